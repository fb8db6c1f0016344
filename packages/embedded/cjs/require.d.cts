// Types of the CommonJS entry: the ES module's own (Node 20.19+ require() gives that module).
export * from '../dist/index.js';
