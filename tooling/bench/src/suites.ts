// Every benchmark suite, by name. A package's suite lives in a file named for the package.
import { run as chunkenc } from './chunkenc.js';
import { run as labels } from './labels.js';
import { run as promql } from './promql.js';

export const suites: Record<string, () => void | Promise<void>> = {
  labels,
  chunkenc,
  promql,
};
