// Every benchmark suite, by name. A package's suite lives in a file named for the package.
import { run as apiJson } from './api-json.js';
import { run as chunkenc } from './chunkenc.js';
import { run as discovery } from './discovery.js';
import { run as labels } from './labels.js';
import { run as promql } from './promql.js';
import { run as promqlParse } from './promql-parse.js';
import { run as promqlLoop } from './promql-loop.js';
import { run as promqlCompare } from './promql-compare.js';
import { run as promqlHistogram } from './promql-histogram.js';
import { run as rules } from './rules.js';
import { run as remote } from './remote.js';
import { run as remoteReceive } from './remote-receive.js';
import { run as scrape } from './scrape.js';
import { run as server } from './server.js';
import { run as textparse } from './textparse.js';
import { run as tsdb } from './tsdb.js';
import { run as tsdbLoop } from './tsdb-loop.js';
import { run as tsdbWalSize } from './tsdb-wal-size.js';
import { run as tsdbBlocks } from './tsdb-blocks.js';
import { run as tsdbReplay } from './tsdb-replay.js';

export const suites: Record<string, () => void | Promise<void>> = {
  labels,
  chunkenc,
  tsdb,
  'tsdb-loop': tsdbLoop,
  'tsdb-wal-size': tsdbWalSize,
  'tsdb-replay': tsdbReplay,
  'tsdb-blocks': tsdbBlocks,
  promql,
  'promql-parse': promqlParse,
  'promql-loop': promqlLoop,
  'promql-compare': promqlCompare,
  'promql-histogram': promqlHistogram,
  textparse,
  scrape,
  rules,
  remote,
  server,
  'remote-receive': remoteReceive,
  discovery,
  'api-json': apiJson,
};
