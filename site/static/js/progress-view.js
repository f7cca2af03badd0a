// Progress you can see and carry: completion on home, track and lesson pages,
// "continue where you left off", storage warnings, export and import.
import { openProgress, PAGE } from "./progress.js";

export async function showProgress() {
  const progress = await openProgress();
  const banner = document.querySelector("[data-storage-warning]");
  const warn = (message) => {
    banner.textContent = message;
    banner.hidden = false;
  };
  if (progress.warning) warn(progress.warning);
  progress.addEventListener("warning", ({ detail }) => warn(detail));
  const render = () => showCompletion(progress);
  render();
  progress.addEventListener("change", render);
  progress.addEventListener("updated", render);
  wireExportImport(progress);
}

/** Show what is done on this page (again after a lesson is swapped in, see navigation.js). */
export function showCompletion(progress) {
  let latest = null;
  for (const item of document.querySelectorAll("[data-lesson-link]")) {
    const exercises = JSON.parse(item.dataset.exercises);
    const total = Object.keys(exercises).length;
    const passed = progress.passedCount(exercises);
    const visit = progress.get(item.dataset.lessonLink, PAGE);
    const label = item.querySelector("[data-lesson-progress]");
    label.textContent = total ? `${passed} of ${total} done` : visit ? "visited" : "";
    item.dataset.complete = String(total > 0 && passed >= total);
    if (visit && (!latest || visit.visitedAt > latest.visitedAt)) latest = { ...visit, item };
  }
  const resume = document.querySelector("[data-continue]");
  if (resume && latest) {
    const link = latest.item.querySelector("a");
    resume.querySelector("a").href = link.href;
    resume.querySelector("a").textContent = link.textContent;
    resume.hidden = false;
  }
  const page = document.querySelector("[data-page-progress]");
  if (page) {
    const exercises = JSON.parse(page.dataset.exercises);
    const total = Object.keys(exercises).length;
    const passed = progress.passedCount(exercises);
    page.textContent = total ? `${passed} of ${total} exercises done` : "";
  }
}

function wireExportImport(progress) {
  const exportButton = document.querySelector("[data-action=export]");
  const importInput = document.querySelector("[data-import]");
  const status = document.querySelector("[data-import-status]");
  exportButton?.addEventListener("click", () => {
    const blob = new Blob([JSON.stringify(progress.export(), null, 1)], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `pyground-progress-${new Date().toISOString().slice(0, 10)}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });
  importInput?.addEventListener("change", async () => {
    const file = importInput.files[0];
    if (!file) return;
    try {
      const count = await progress.import(await file.text());
      status.textContent = `Imported ${count} saved item${count === 1 ? "" : "s"}; newer work already here was kept.`;
    } catch (error) {
      status.textContent = error.message;
    }
    importInput.value = "";
  });
}
