// Every benchmark suite, by name. A package's suite lives in a file named for the package.
import { run as chunkenc } from './chunkenc.js';
import { run as labels } from './labels.js';
import { run as promql } from './promql.js';
import { run as tsdb } from './tsdb.js';
import { run as tsdbLoop } from './tsdb-loop.js';

export const suites: Record<string, () => void | Promise<void>> = {
  labels,
  chunkenc,
  tsdb,
  'tsdb-loop': tsdbLoop,
  promql,
};
