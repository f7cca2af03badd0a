// Loaded by every page: the theme toggle, the service worker, and progress.
import "./theme.js";
import { registerServiceWorker } from "./isolation.js";
import { showProgress } from "./progress-view.js";

registerServiceWorker();
showProgress();
