// Loaded by every page: the theme toggle and the service worker.
import "./theme.js";
import { registerServiceWorker } from "./isolation.js";

registerServiceWorker();
