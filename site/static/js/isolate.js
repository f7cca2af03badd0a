// The first script of a page that runs Python (lesson, playground; base.html). On a first visit the
// page reloads once to come under the service worker (isolation.js): asking here, before the page's
// larger scripts have loaded and run, makes that reload come as early as it can.
import { ensureIsolation } from "./isolation.js";

ensureIsolation();
