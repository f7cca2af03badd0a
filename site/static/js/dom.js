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

let painted = null;
/** Resolves once the page has first been painted (at once if it has; else a frame, then a task; at once
 * in a hidden tab, which paints nothing; after a second at most, for a window that does not paint while
 * covered). The runtime's 13 MB wait for it: on a slow connection the learner sees the lesson first. */
export function afterFirstPaint() {
  painted ??= new Promise((resolve) => {
    if (document.visibilityState === "hidden" || performance.getEntriesByType("paint").length) resolve();
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 1000);
  });
  return painted;
}
