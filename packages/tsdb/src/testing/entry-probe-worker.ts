// A worker for worker-entry.test.ts: answers with a value computed by TypeScript-only syntax
// (runs only through tsx) and by an import resolved with the `@tsprom/source` condition.
import { parentPort } from 'node:worker_threads';
import { crc32c } from '@tsprom/chunkenc';

const bytes: Uint8Array = new Uint8Array([1, 2, 3]);
parentPort?.postMessage(crc32c(bytes) satisfies number);
