// Light/dark theme toggle. Default follows the system; a choice is remembered.
import { siteKey } from "./site-path.js";

const KEY = siteKey("theme");
const root = document.documentElement;
const systemDark = matchMedia("(prefers-color-scheme: dark)");

const saved = () => {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: the toggle still works for this page
  }
};

const isDark = () => (root.dataset.theme ? root.dataset.theme === "dark" : systemDark.matches);

function show(button) {
  button.setAttribute("aria-pressed", String(isDark()));
}

const theme = saved();
if (theme === "dark" || theme === "light") root.dataset.theme = theme;

const button = document.querySelector("[data-theme-toggle]");
if (button) {
  show(button);
  systemDark.addEventListener("change", () => show(button));
  button.addEventListener("click", () => {
    root.dataset.theme = isDark() ? "light" : "dark";
    show(button);
    try {
      localStorage.setItem(KEY, root.dataset.theme);
    } catch {
      /* not saved; fine */
    }
  });
}
