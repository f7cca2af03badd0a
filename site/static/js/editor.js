// A code editor over the page's <textarea>: CodeMirror 6 (the copy PyScript ships)
// once the cell nears the screen, the plain textarea until then or if it cannot load.
// Both run the cell on Shift+Enter or Ctrl/Cmd+Enter. In CodeMirror, Tab indents;
// Escape then Tab moves focus on, so keyboard users are never trapped.
import { codemirror } from "../../runtime/pyscript/core.js";

const RUN_KEYS = ["Shift-Enter", "Ctrl-Enter", "Mod-Enter"];
// CodeMirror's default colours, mapped to our theme's (site.css --syntax-*), which keep
// readable contrast on light and dark backgrounds.
const SYNTAX_COLOURS = {
  "#708": "keyword",
  "#219": "atom",
  "#164": "literal",
  "#a11": "string",
  "#e40": "regexp",
  "#00f": "definition",
  "#30a": "local",
  "#085": "type",
  "#167": "class",
  "#256": "special",
  "#00c": "definition",
  "#940": "comment",
  "#404740": "meta",
  "#f00": "invalid",
};

/** The default highlight style, recoloured with CSS variables. Made once and shared by every editor:
 * each HighlightStyle adds its own style sheet to the page, and with it a recalculation of its styles. */
let highlighting = null;
function themedHighlighting(language) {
  highlighting ??= makeHighlighting(language);
  return highlighting;
}

function makeHighlighting({ HighlightStyle, defaultHighlightStyle, syntaxHighlighting }) {
  const specs = defaultHighlightStyle.specs.map((spec) =>
    spec.color ? { ...spec, color: `var(--syntax-${SYNTAX_COLOURS[spec.color] ?? "meta"})` } : spec,
  );
  return syntaxHighlighting(HighlightStyle.define(specs));
}

let modules = null;
function loadCodeMirror() {
  modules ??= Promise.all([
    codemirror.core,
    codemirror.state,
    codemirror.python,
    codemirror.language,
    codemirror.view,
    codemirror.commands,
  ]);
  return modules;
}

// Editors are built one per task, in page order: a lesson with many cells never blocks the page
// (a click, a key, the first paint) for as long as it takes to build them all.
let turn = Promise.resolve();
const nextTask = () => globalThis.scheduler?.yield?.() ?? new Promise((resolve) => setTimeout(resolve, 0));
function inTurn(build) {
  const built = turn.then(nextTask).then(build);
  turn = built.catch(() => {});
  return built;
}

// A view is built once its cell comes this near the screen (or gets the focus): building the views of
// cells far down a long lesson held a slow phone's main thread at load for nothing. Until then the
// textarea is the editor; site.css gives both the same height (but for long lines, which only the view
// wraps), so the swap moves nothing; navigation.js restores positions by element, not by height.
const NEAR_SCREEN = "300px 0px";

/** Wrap the textarea in `container`. Returns the editor at once: the plain textarea, which becomes
 * CodeMirror near the screen (or stays, if CodeMirror cannot load). */
export function createEditor(container, { onRun, onChange }) {
  const textarea = container.querySelector("textarea");
  let current = textareaEditor(textarea, { onRun, onChange });
  const near = nearScreen(container);
  near.reached
    .then(loadCodeMirror)
    .then((codemirror) => inTurn(() => codeMirrorEditor(container, textarea, codemirror, { onRun, onChange })))
    .then(
      (editor) => (current = editor),
      (error) => console.warn("Code editor unavailable, using a plain text area:", error),
    );
  return {
    getCode: () => current.getCode(),
    setCode: (code) => current.setCode(code),
    focus: () => current.focus(),
    /** The cell is gone (another lesson swapped in): no view is built for it any more. */
    close: near.cancel,
  };
}

/** `reached` resolves when `element` comes near the screen or something in it is focused. */
function nearScreen(element) {
  let reach;
  const reached = new Promise((resolve) => (reach = resolve));
  const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && done(), {
    rootMargin: NEAR_SCREEN,
  });
  const done = () => {
    cancel();
    reach();
  };
  const cancel = () => {
    observer.disconnect();
    element.removeEventListener("focusin", done);
  };
  observer.observe(element);
  element.addEventListener("focusin", done);
  return { reached, cancel };
}

async function codeMirrorEditor(container, textarea, modules, { onRun, onChange }) {
  const [{ basicSetup, EditorView }, { EditorState }, { python }, language, { keymap }, { indentWithTab }] = modules;
  const state = EditorState.create({
    doc: textarea.value, // as it is now: the learner may have typed in the text area already
    extensions: [
      keymap.of([...RUN_KEYS.map((key) => ({ key, run: () => (onRun(), true) })), indentWithTab]),
      themedHighlighting(language),
      basicSetup,
      python(),
      language.indentUnit.of("    "),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ "aria-label": textarea.getAttribute("aria-label"), "aria-describedby": "editor-help" }),
      EditorView.updateListener.of((update) => update.docChanged && onChange?.()),
    ],
  });
  await nextTask(); // the state and the view in two tasks: together they held a slow phone's main thread too long
  const view = new EditorView({ state });
  if (textarea.value !== state.doc.toString()) {
    view.dispatch({ changes: { from: 0, to: state.doc.length, insert: textarea.value } }); // typed meanwhile
  }
  const focused = document.activeElement === textarea;
  container.replaceChildren(view.dom);
  container.dataset.editor = "codemirror";
  if (focused) view.focus();
  return {
    getCode: () => view.state.doc.toString(),
    setCode: (code) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } }),
    focus: () => view.focus(),
  };
}

function textareaEditor(textarea, { onRun, onChange }) {
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.shiftKey || event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onRun();
    }
  });
  textarea.addEventListener("input", () => onChange?.());
  return {
    getCode: () => textarea.value,
    setCode: (code) => {
      textarea.value = code;
      textarea.rows = Math.max(code.split("\n").length, 3); // as the page's own textareas (editor.html)
    },
    focus: () => textarea.focus(),
  };
}
