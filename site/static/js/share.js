// Playground code in a link: the cells go in the URL's fragment (after #, which browsers never
// send to a server), as JSON, deflate-compressed (the browser's own CompressionStream) and
// base64url-encoded. What a link carries is data, checked strictly before anything uses it:
// its size before and after decompressing (read with a cap, so a decompression bomb never
// fills memory), base64, UTF-8, JSON and its exact shape. A link carries code and a lesson
// selection only: any other key (checks, solutions, rules...) and the link is refused.
//
//   #code=<base64url(deflate-raw(JSON))>   JSON: {"v": 1, "interpreter": "pyodide" | "micropython",
//                                                 "lesson"?: "<lesson id>", "cells": [{"code": "..."}]}
import { SETTINGS } from "./settings.js";

export const FRAGMENT_KEY = "code";
export const MAX_LINK_CHARS = 32_000; // what browsers reliably copy and open (Chrome ~32 K, others more)
export const MAX_JSON_BYTES = 256 * 1024; // after decompressing
export const MAX_CELLS = 100;
export const MAX_CODE_CHARS = 200_000; // all cells together
export const INTERPRETERS = Object.keys(SETTINGS.interpreters);
const VERSION = 1;
const LESSON_ID = /^[a-z0-9][a-z0-9-]{0,63}$/; // the build's own id rule (pyground/content.py)
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Why a link could not be opened; `message` is for the learner. */
export class LinkError extends Error {}

/** A notebook ({interpreter, lesson?, cells: [{code}]}) as the JSON a link carries (and the playground saves). */
export function notebookJson({ interpreter, lesson, cells }) {
  return JSON.stringify({ v: VERSION, interpreter, ...(lesson && { lesson }), cells: cells.map(({ code }) => ({ code })) });
}

/** The fragment (without "#") for a notebook. */
export async function encodeNotebook(notebook) {
  const bytes = new TextEncoder().encode(notebookJson(notebook));
  const deflated = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  const packed = new Uint8Array(await new Response(deflated).arrayBuffer());
  const fragment = `${FRAGMENT_KEY}=${toBase64Url(packed)}`;
  if (fragment.length > MAX_LINK_CHARS) {
    throw new LinkError(
      `This code is too long for a link (${fragment.length.toLocaleString()} characters once packed; ` +
        `at most ${MAX_LINK_CHARS.toLocaleString()}). Share fewer or shorter cells.`,
    );
  }
  return fragment;
}

/** The notebook in a fragment ("#code=..." or "code=..."), or null when the fragment holds no code.
 * Throws LinkError with a message for the learner when the link is damaged or not allowed. */
export async function decodeFragment(fragment) {
  const text = fragment.startsWith("#") ? fragment.slice(1) : fragment;
  if (!text.startsWith(`${FRAGMENT_KEY}=`)) return null;
  if (text.length > MAX_LINK_CHARS) {
    throw new LinkError(
      `This link is too long to be a playground link (${text.length.toLocaleString()} characters; ` +
        `at most ${MAX_LINK_CHARS.toLocaleString()}), so it was not opened.`,
    );
  }
  const payload = text.slice(FRAGMENT_KEY.length + 1);
  const packed = fromBase64Url(payload);
  const bytes = await inflateCapped(packed, MAX_JSON_BYTES);
  let json;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new LinkError("This link is damaged (its text is not valid UTF-8), so it was not opened.");
  }
  let data;
  try {
    data = JSON.parse(json);
  } catch {
    throw new LinkError("This link is damaged (what it carries is not valid JSON), so it was not opened.");
  }
  return checkNotebook(data);
}

/** `data` if it is exactly a notebook a link may carry; throws LinkError naming what is wrong. */
export function checkNotebook(data) {
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new LinkError(notCode("it is not a notebook"));
  const extra = Object.keys(data).filter((key) => !["v", "interpreter", "lesson", "cells"].includes(key));
  if (extra.length) {
    throw new LinkError(
      `This link carries more than code (${extra.slice(0, 3).join(", ")}), so it was not opened. ` +
        "Playground links carry code and a lesson's name only, never checks, solutions or rules.",
    );
  }
  if (data.v !== VERSION) throw new LinkError("This link was made by another version of the site, so it cannot be opened here.");
  if (!INTERPRETERS.includes(data.interpreter)) throw new LinkError(notCode("it names an unknown interpreter"));
  if ("lesson" in data && (typeof data.lesson !== "string" || !LESSON_ID.test(data.lesson))) {
    throw new LinkError(notCode("the lesson it names is not a lesson id"));
  }
  if (!Array.isArray(data.cells) || data.cells.length === 0) throw new LinkError(notCode("it has no cells"));
  if (data.cells.length > MAX_CELLS) {
    throw new LinkError(`This link has ${data.cells.length} cells; a playground holds at most ${MAX_CELLS}, so it was not opened.`);
  }
  let total = 0;
  for (const cell of data.cells) {
    const keys = cell && typeof cell === "object" && !Array.isArray(cell) ? Object.keys(cell) : null;
    if (!keys || keys.length !== 1 || typeof cell.code !== "string") {
      throw new LinkError(notCode("a cell holds something other than code"));
    }
    total += cell.code.length;
  }
  if (total > MAX_CODE_CHARS) {
    throw new LinkError(`This link holds ${total.toLocaleString()} characters of code (at most ${MAX_CODE_CHARS.toLocaleString()}), so it was not opened.`);
  }
  return {
    interpreter: data.interpreter,
    lesson: data.lesson ?? null,
    cells: data.cells.map((cell) => ({ code: cell.code })),
  };
}

const notCode = (why) => `This link is not a playground link (${why}), so it was not opened.`;

function toBase64Url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  if (!BASE64URL.test(text) || text.length % 4 === 1) {
    throw new LinkError("This link is damaged (it is not valid base64), so it was not opened. Ask for the link again.");
  }
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Inflate `bytes`, reading at most `cap` bytes of output: past it, reading stops and the stream is cancelled. */
async function inflateCapped(bytes, cap) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const chunks = [];
  let size = 0;
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      size += chunk.value.length;
      if (size > cap) {
        reader.cancel().catch(() => {});
        throw new LinkError(
          `This link unpacks to more than ${Math.round(cap / 1024)} KB, far more than any playground holds, so it was not opened.`,
        );
      }
      chunks.push(chunk.value);
    }
  } catch (error) {
    if (error instanceof LinkError) throw error;
    throw new LinkError("This link is damaged (it cannot be unpacked), so it was not opened. Ask for the link again.");
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
