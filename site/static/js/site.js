// Loaded by every page: the theme toggle, site search, the service worker, progress, and updates.
import "./theme.js";
import "./search.js";
import { registerServiceWorker } from "./isolation.js";
import { showProgress } from "./progress-view.js";
import { watchForUpdates } from "./updates.js";

registerServiceWorker().then(watchForUpdates);
showProgress();
