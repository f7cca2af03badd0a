// Downloads the runtime's files (and a lesson's data files) off the page's thread. The bytes
// are read here only to report progress: the browser keeps them in its caches (and the service
// worker in its own), where Python's worker finds them. Reading 13 MB chunk by chunk on the
// page's thread blocked it for ~0.5 s on a slow phone.
// In: {urls, step}. Out, in order: {progress: 0..1} in steps of `step` percent, {received} once
// all are here; or {error} at the first failure.
addEventListener("message", async ({ data: { urls, step } }) => {
  try {
    const responses = await Promise.all(urls.map((url) => fetch(url)));
    const failed = responses.find((response) => !response.ok);
    if (failed) throw new Error(`${failed.url.split("/").pop()} could not be downloaded (${failed.status})`);
    const total = responses.reduce((sum, response) => sum + Number(response.headers.get("Content-Length") || 0), 0);
    let bytes = 0;
    let shown = 0;
    await Promise.all(
      responses.map(async (response) => {
        const reader = response.body.getReader();
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          bytes += chunk.value.length;
          const percent = total ? Math.min(100, step * Math.floor((100 * bytes) / total / step)) : 0;
          if (percent > shown) postMessage({ progress: (shown = percent) / 100 });
        }
      }),
    );
    postMessage({ received: true });
  } catch (error) {
    postMessage({ error: error.message ?? String(error) });
  }
});
