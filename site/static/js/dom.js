// Small DOM helpers shared by the page scripts.

/** A button that matches the templates' own: <button type="button" class="button" data-action=...>. */
export function makeButton(label, action, onClick) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button";
  button.dataset.action = action;
  button.textContent = label;
  button.addEventListener("click", onClick);
  return button;
}
