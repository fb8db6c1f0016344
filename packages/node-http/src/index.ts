// @tsprom/node-http: fetch-style handlers (Request in, Response out) served on Node's `http`.
export { type ContentEncoding, compress, handlerEncoding } from './compression.js';
export { toRequest, writeResponse } from './node-fetch-adapter.js';
export { type FetchHandler, type NodeHandler, type NodeHandlerOptions, nodeHandler } from './node-handler.js';
