export { createUIHandler, SPA_ROUTES, type UIHandler, type UIOptions, webUIDir } from './ui-handler.js';
