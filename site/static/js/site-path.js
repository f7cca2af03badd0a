// Where this site lives, e.g. "/" or "/pyground/". Every key we store is
// prefixed with it: all project sites on one github.io origin share storage.
export const SITE_ROOT = new URL("../../", import.meta.url);
export const siteKey = (name) => `pyground:${SITE_ROOT.pathname}:${name}`;
