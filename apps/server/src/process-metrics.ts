// client_golang's process collector and Go collector, as Node can report them: CPU, memory, file
// descriptors, start time, and the event loop's delay (Node's counterpart of a stalled
// scheduler).
import { readdirSync, readFileSync } from 'node:fs';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { type MetricFamily, single } from './metrics-registry.js';

/** /proc/self/limits' soft limit on open files, or undefined off Linux. */
function maxFds(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m === null ? undefined : Number(m[1]);
  } catch {
    return undefined; // Not Linux: the metric is left out, as client_golang does.
  }
}

function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined; // Not Linux.
  }
}

function virtualMemoryBytes(): number | undefined {
  try {
    const m = /^VmSize:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m === null ? undefined : Number(m[1]) * 1024;
  } catch {
    return undefined; // Not Linux.
  }
}

// The sampling timer's period: every sample includes it, so it is subtracted from what is reported.
const RESOLUTION_MS = 10;

/** A delay sample in ns as seconds beyond the sampling period. */
function beyondResolution(ns: number): number {
  return Math.max(0, ns / 1e9 - RESOLUTION_MS / 1000);
}

/** Process and event-loop metrics; `stop()` ends the event-loop sampling. */
export class ProcessMetrics {
  readonly #startSeconds = Math.round(Date.now() - process.uptime() * 1000) / 1000;
  readonly #loop: IntervalHistogram;

  constructor() {
    this.#loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.#loop.enable();
  }

  stop(): void {
    this.#loop.disable();
  }

  collect(): MetricFamily[] {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const out: MetricFamily[] = [
      single(
        'process_cpu_seconds_total',
        'Total user and system CPU time spent in seconds.',
        'counter',
        (cpu.user + cpu.system) / 1e6,
      ),
      single('process_resident_memory_bytes', 'Resident memory size in bytes.', 'gauge', mem.rss),
      single(
        'process_start_time_seconds',
        'Start time of the process since unix epoch in seconds.',
        'gauge',
        this.#startSeconds,
      ),
      single('nodejs_heap_size_used_bytes', 'Bytes of the V8 heap in use.', 'gauge', mem.heapUsed),
      single('nodejs_heap_size_total_bytes', 'Bytes of the V8 heap allocated.', 'gauge', mem.heapTotal),
      single(
        'nodejs_external_memory_bytes',
        'Bytes of memory outside the V8 heap (buffers, typed arrays).',
        'gauge',
        mem.external, // Includes mem.arrayBuffers (Node's docs): adding it counted buffers twice.
      ),
    ];
    const vm = virtualMemoryBytes();
    if (vm !== undefined)
      out.push(single('process_virtual_memory_bytes', 'Virtual memory size in bytes.', 'gauge', vm));
    const open = openFds();
    if (open !== undefined) out.push(single('process_open_fds', 'Number of open file descriptors.', 'gauge', open));
    const max = maxFds();
    if (max !== undefined)
      out.push(single('process_max_fds', 'Maximum number of open file descriptors.', 'gauge', max));
    const h = this.#loop;
    out.push({
      name: 'nodejs_eventloop_delay_seconds',
      help: 'Delay of the event loop (time a ready callback waited), since the previous scrape.',
      type: 'summary',
      samples: [
        { labels: { quantile: '0.5' }, value: h.count > 0 ? beyondResolution(h.percentile(50)) : 0 },
        { labels: { quantile: '0.9' }, value: h.count > 0 ? beyondResolution(h.percentile(90)) : 0 },
        { labels: { quantile: '0.99' }, value: h.count > 0 ? beyondResolution(h.percentile(99)) : 0 },
        { labels: { quantile: '1' }, value: h.count > 0 ? beyondResolution(h.max) : 0 },
        { suffix: '_sum', value: h.count > 0 ? beyondResolution(h.mean) * h.count : 0 },
        { suffix: '_count', value: h.count },
      ],
    });
    h.reset();
    return out;
  }
}
