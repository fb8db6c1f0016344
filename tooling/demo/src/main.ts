// `pnpm start` runs this until the tsprom server exists: it appends samples of a few series into
// XOR chunks (@tsprom/chunkenc), serves them through a Querier (@tsprom/storage-interfaces), selects
// them with a label matcher (@tsprom/labels) and prints what it reads back.
import { XORChunk } from '@tsprom/chunkenc';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { chunkSeriesToSeries, ListChunkSeries, listQuerier, ValueType } from '@tsprom/storage-interfaces';

console.log('tsprom demo: the server is not built yet, so this walks through the packages instead:');
console.log('it appends samples into XOR chunks, selects series with a matcher and reads them back.\n');

const start = Date.UTC(2026, 0, 1);
const series = ['api', 'db', 'web'].map((job, i) => {
  const chunk = new XORChunk();
  const app = chunk.appender();
  for (let n = 0; n < 120; n++) app.append(start + n * 15_000, (i + 1) * n);
  const labels = Labels.fromStrings('__name__', 'http_requests_total', 'job', job);
  console.log(`appended 120 samples of ${labels.toString()} into ${chunk.bytes().length} bytes`);
  return chunkSeriesToSeries(new ListChunkSeries(labels, [{ ref: 0, mint: start, maxt: start + 119 * 15_000, chunk }]));
});

const querier = listQuerier(series);
const matchers = [
  new Matcher(MatchType.Equal, '__name__', 'http_requests_total'),
  new Matcher(MatchType.Regexp, 'job', 'api|web'),
];
const set = await querier.select(true, undefined, ...matchers);
console.log(`\nselect ${matchers.map((m) => m.toString()).join(', ')}:`);
while (set.next()) {
  const it = set.at().iterator();
  let count = 0;
  let last = Number.NaN;
  while (it.next() === ValueType.Float) {
    count++;
    last = it.atV();
  }
  if (it.err()) throw it.err();
  console.log(`  ${set.at().labels().toString()}: ${count} samples read back, last value ${last}`);
}
if (set.err()) throw set.err();
await querier.close();
