// Loaded by every page: the theme toggle, site search, the service worker, and progress.
import "./theme.js";
import "./search.js";
import { registerServiceWorker } from "./isolation.js";
import { showProgress } from "./progress-view.js";

registerServiceWorker();
showProgress();
