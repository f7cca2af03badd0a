// A code editor over the page's <textarea>: CodeMirror 6 (the copy PyScript
// ships) when it loads, the plain textarea otherwise. Both run the cell on
// Shift+Enter or Ctrl/Cmd+Enter. In CodeMirror, Tab indents; Escape then Tab
// moves focus on, so keyboard users are never trapped.
import { codemirror } from "../../runtime/pyscript/core.js";

const RUN_KEYS = ["Shift-Enter", "Ctrl-Enter", "Mod-Enter"];

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

/** Wrap the textarea in `container`; resolves once the best editor is in place. */
export async function createEditor(container, { onRun, onChange }) {
  const textarea = container.querySelector("textarea");
  const label = textarea.getAttribute("aria-label");
  const plain = textareaEditor(textarea, { onRun, onChange });
  try {
    const [{ basicSetup, EditorView }, { EditorState }, { python }, { indentUnit }, { keymap }, { indentWithTab }] =
      await loadCodeMirror();
    const view = new EditorView({
      state: EditorState.create({
        doc: textarea.value,
        extensions: [
          keymap.of([...RUN_KEYS.map((key) => ({ key, run: () => (onRun(), true) })), indentWithTab]),
          basicSetup,
          python(),
          indentUnit.of("    "),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-label": label }),
          EditorView.updateListener.of((update) => update.docChanged && onChange?.()),
        ],
      }),
    });
    container.replaceChildren(view.dom);
    container.dataset.editor = "codemirror";
    return {
      getCode: () => view.state.doc.toString(),
      setCode: (code) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } }),
      focus: () => view.focus(),
    };
  } catch (error) {
    console.warn("Code editor unavailable, using a plain text area:", error);
    return plain;
  }
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
    },
    focus: () => textarea.focus(),
  };
}
