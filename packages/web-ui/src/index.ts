export {
  AGENT_SPA_ROUTES,
  createUIHandler,
  SPA_ROUTES,
  type UIHandler,
  type UIOptions,
  webUIDir,
} from './ui-handler.js';
