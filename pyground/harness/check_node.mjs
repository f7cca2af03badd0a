// One lesson's check in Node, with the same code as the browser check (lesson_check.mjs):
//   node check_node.mjs RUNTIME_DIR PY_DIR < job.json > result.json
// RUNTIME_DIR holds the vendored runtime (pyodide/, micropython/), PY_DIR the site's Python
// files; the job is as verify_worker.mjs gets it, with data files given by their paths.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { checkInMicroPython, checkInPyodide } from "./lesson_check.mjs";

const [runtimeDir, pyDir] = process.argv.slice(2);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const job = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const folder = (name) => join(runtimeDir, name) + "/";
const host = {
  site: "http://127.0.0.1:9/", // no practice API here
  text: (name) => readFile(join(pyDir, name), "utf8"),
  bytes: async (path) => new Uint8Array(await readFile(path)),
};
let result;
if (job.interpreter === "micropython") {
  const { loadMicroPython } = await import(pathToFileURL(folder("micropython") + "micropython.mjs"));
  result = await checkInMicroPython(job, { ...host, runtime: folder("micropython"), loadMicroPython });
} else {
  const { loadPyodide } = await import(pathToFileURL(folder("pyodide") + "pyodide.mjs"));
  result = await checkInPyodide(job, { ...host, runtime: folder("pyodide"), loadPyodide });
}
process.stdout.write(JSON.stringify(result));
