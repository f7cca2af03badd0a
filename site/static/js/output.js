// The output area under a cell. Program output is only ever inserted as text
// (never as HTML) and is capped, so `while True: print(1)` cannot bury the page.
import { SETTINGS } from "./settings.js";

const MAX_LINES = SETTINGS.output.lines;
const MAX_CHARS = SETTINGS.output.chars;
const IMAGE_URL = /^data:image\/(svg\+xml|png);base64,[A-Za-z0-9+/=]+$/;

export class OutputView {
  constructor(element) {
    this.element = element;
    this.clear();
  }

  clear() {
    this.element.replaceChildren();
    this.element.hidden = true;
    this.chars = 0;
    this.lines = 0;
    this.truncated = false;
    this.last = null; // the last span, extended while the stream does not change
  }

  /** Append program text; `stream` is "stdout", "stderr", "explain" (advice on an error),
   * "system" (our own notes) or "image" (then `text` is a data: URL and `alt` describes it). */
  append(text, stream = "stdout", alt = "") {
    if (!text) return;
    if (stream === "image") return this.image(text, alt);
    this.element.hidden = false;
    if (stream !== "system") {
      if (this.truncated) return;
      const room = Math.min(MAX_CHARS - this.chars, this.roomInLines(text));
      if (room < text.length) {
        text = text.slice(0, Math.max(room, 0));
        this.truncated = true;
      }
      this.chars += text.length;
      this.lines += countNewlines(text);
    }
    if (this.last?.dataset.stream === stream) {
      this.last.append(text);
    } else {
      this.last = document.createElement("span");
      this.last.className = stream;
      this.last.dataset.stream = stream;
      this.last.textContent = text;
      this.element.append(this.last);
    }
    if (this.truncated && stream !== "system") {
      this.note(`Output truncated after ${this.lines.toLocaleString()} lines / ${this.chars.toLocaleString()} characters.`);
    }
    this.element.scrollTop = this.element.scrollHeight;
  }

  /** A chart or picture. An SVG shown through <img> cannot run scripts or load anything. */
  image(url, alt) {
    if (!IMAGE_URL.test(url)) return;
    const img = document.createElement("img");
    img.src = url;
    img.alt = alt || "Picture made by the program";
    img.className = "output-image";
    this.element.hidden = false;
    this.element.append(img);
    this.last = null;
  }

  /** A message from Pyground itself (not program output), on a line of its own. */
  note(message) {
    const needsBreak = this.element.textContent && !this.element.textContent.endsWith("\n");
    this.append(`${needsBreak ? "\n" : ""}${message}\n`, "system");
  }

  roomInLines(text) {
    let lines = this.lines;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === "\n" && ++lines >= MAX_LINES) return i + 1;
    }
    return text.length;
  }
}

function countNewlines(text) {
  let count = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) count++;
  return count;
}
