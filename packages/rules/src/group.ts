// A rule group: rules evaluated one after the other, every interval, at times offset by a hash of
// the group so that groups spread over the interval.
// Prometheus: rules/group.go Group
import { Labels } from '@tsprom/labels';
import { QueryCanceledError } from '@tsprom/promql';
import {
  type Appendable,
  DuplicateSampleForTimestampError,
  OutOfOrderSampleError,
  StaleNaN,
  TooOldSampleError,
} from '@tsprom/storage-interfaces';
import { AlertingRule } from './alerting-rule.js';
import { restoreForState } from './group-restore.js';
import type { GroupContext, RulesLogger } from './group-context.js';
import { type Rule, RuleHealth } from './rule.js';
import type { GroupCounters } from './rule-metrics.js';
import { YIELD_EVERY_MS, yieldToEventLoop } from './yield-loop.js';

/** How a group is made. */
// Prometheus: rules/group.go GroupOptions
export interface GroupOptions {
  readonly name: string;
  readonly file: string;
  readonly intervalMs: number;
  /** The group's own query offset; undefined uses the context's default. */
  readonly queryOffsetMs?: number | undefined;
  readonly limit?: number;
  readonly rules: readonly Rule[];
  /** Labels of the group (already merged into its rules'; kept for the API). */
  readonly labels?: Labels;
  /** Restore the alerts' `for` state from ALERTS_FOR_STATE after the second evaluation. */
  readonly shouldRestore?: boolean;
  readonly context: GroupContext;
}

/** The key of a group in a manager and in metrics: `file;name`. */
// Prometheus: rules/group.go GroupKey
export function groupKey(file: string, name: string): string {
  return `${file};${name}`;
}

/** A rule group and its evaluation loop. */
export class Group {
  readonly name: string;
  readonly file: string;
  readonly intervalMs: number;
  readonly limit: number;
  readonly rules: readonly Rule[];
  readonly labels: Labels;
  readonly #queryOffsetMs: number | undefined;
  readonly #ctx: GroupContext;
  readonly counters: GroupCounters;
  /** Per rule: the series it wrote at its last evaluation (by label key), to mark stale what goes. */
  seriesInPreviousEval: Map<string, Labels>[];
  /** Series of removed rules, marked stale at the next evaluation. */
  staleSeries: Labels[] = [];
  shouldRestore: boolean;
  /** Write stale markers for every series of the group when it stops (the group was removed). */
  markStale = false;
  /** How long the last evaluation took (ms). */
  evaluationTimeMs = 0;
  /** Wall-clock start of the last evaluation (ms; 0 before the first). */
  lastEvaluationMs = 0;
  /** The time slot of the last evaluation (ms; 0 before the first). */
  lastEvalTimestampMs = 0;
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #staleCleanup: Promise<void> | undefined;

  constructor(o: GroupOptions) {
    this.name = o.name;
    this.file = o.file;
    this.intervalMs = o.intervalMs;
    this.limit = o.limit ?? 0;
    this.rules = o.rules;
    this.labels = o.labels ?? Labels.EMPTY;
    this.#queryOffsetMs = o.queryOffsetMs;
    this.#ctx = o.context;
    this.shouldRestore = o.shouldRestore ?? false;
    this.seriesInPreviousEval = o.rules.map(() => new Map());
    this.counters = o.context.metrics.group(groupKey(o.file, o.name));
    this.counters.intervalSeconds = o.intervalMs / 1000;
    this.counters.rules = o.rules.length;
  }

  /** The group's query offset in ms (its own, else the default). */
  get queryOffsetMs(): number {
    return this.#queryOffsetMs ?? this.#ctx.defaultRuleQueryOffsetMs();
  }

  /** The query offset as configured (undefined: the default applies). */
  get configuredQueryOffsetMs(): number | undefined {
    return this.#queryOffsetMs;
  }

  /** The group's alerting rules. */
  alertingRules(): AlertingRule[] {
    return this.rules.filter((r): r is AlertingRule => r instanceof AlertingRule);
  }

  /** Prometheus's group hash: of the labels `name` and `file`. */
  hash(): bigint {
    return Labels.fromStrings('name', this.name, 'file', this.file).hash();
  }

  /**
   * The evaluation slot at or before `startMs`: a multiple of the interval shifted by the group's
   * hash (ns arithmetic as Prometheus, then ms).
   */
  // Prometheus: rules/group.go Group.EvalTimestamp
  evalTimestamp(startMs: number): number {
    const interval = BigInt(this.intervalMs) * 1_000_000n;
    const offset = this.hash() % interval;
    const adjNow = BigInt(startMs) * 1_000_000n - offset;
    let base = adjNow - (adjNow % interval);
    if (adjNow < 0n && adjNow % interval !== 0n) base -= interval; // Go's % truncates: same for t ≥ 0.
    return Number((base + offset) / 1_000_000n);
  }

  /** Starts the evaluation loop once `ready` resolves (the manager's run). */
  start(ready: Promise<void>): void {
    this.#running = this.#run(ready, this.#abort.signal);
  }

  /** Stops the loop and waits for the current evaluation to end. Never rejects. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#running;
  }

  /** The stale-marking after removal (see {@link markStale}), to be awaited by the manager. */
  get staleCleanup(): Promise<void> | undefined {
    return this.#staleCleanup;
  }

  // Prometheus: rules/group.go Group.run
  async #run(ready: Promise<void>, signal: AbortSignal): Promise<void> {
    const sched = this.#ctx.scheduler;
    const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([ready, aborted]);
    if (signal.aborted) return;
    const interval = this.intervalMs;
    let evalTs = this.evalTimestamp(sched.now()) + interval;
    if (!(await sched.sleepUntil(evalTs, signal))) return;
    try {
      // A Go ticker started now: ticks every interval after this; ticks missed while busy are dropped.
      const tickStart = sched.now();
      let nextTick = tickStart + interval;
      const waitTick = async (): Promise<boolean> => {
        if (!(await sched.sleepUntil(nextTick, signal))) return false;
        const now = sched.now();
        nextTick = tickStart + (Math.floor((now - tickStart) / interval) + 1) * interval;
        const missed = Math.max(0, Math.floor((now - evalTs) / interval) - 1);
        if (missed > 0) {
          this.counters.iterationsMissed += missed;
          this.counters.iterationsScheduled += missed;
        }
        evalTs += (missed + 1) * interval;
        return true;
      };
      await this.#iteration(evalTs, signal);
      if (this.shouldRestore) {
        // Restore after a second evaluation: at the first, recording rules the alerts read may not
        // have caught up yet.
        if (!(await waitTick())) return;
        await this.#iteration(evalTs, signal);
        await this.restoreForState(sched.now());
        this.shouldRestore = false;
      }
      while (await waitTick()) await this.#iteration(evalTs, signal);
    } finally {
      if (this.markStale) this.#staleCleanup = this.#markAllStale(sched.now());
    }
  }

  async #iteration(evalTs: number, signal: AbortSignal): Promise<void> {
    this.counters.iterationsScheduled++;
    const wallStart = this.#ctx.scheduler.now();
    const start = performance.now();
    await this.eval(evalTs, signal);
    const took = performance.now() - start;
    this.#ctx.metrics.iterationDuration.observe(took / 1000);
    let ruleSum = 0;
    for (const r of this.rules) ruleSum += r.evaluationDurationMs;
    this.counters.lastRuleDurationSumSeconds = ruleSum / 1000;
    this.evaluationTimeMs = took;
    this.counters.lastDurationSeconds = took / 1000;
    this.lastEvaluationMs = wallStart;
    this.counters.lastEvaluationTimestampSeconds = wallStart / 1000;
    this.lastEvalTimestampMs = evalTs;
  }

  /**
   * Evaluates every rule at `tsMs` (ms), appends their samples, marks stale the series they no
   * longer produce, and sends alerts. Stops between rules once `signal` aborts. Never rejects:
   * failures are recorded on the rule (health, last error) and counted.
   */
  // Prometheus: rules/group.go Group.Eval
  async eval(tsMs: number, signal?: AbortSignal): Promise<void> {
    const ctx = this.#ctx;
    const queryOffsetMs = this.queryOffsetMs;
    const evalCtx = {
      queryOffsetMs,
      queryFunc: ctx.queryFunc,
      externalURL: ctx.externalURL,
      limit: this.limit,
      signal,
    };
    let samplesTotal = 0;
    let lastYield = performance.now();
    for (let i = 0; i < this.rules.length; i++) {
      if (performance.now() - lastYield >= YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      if (signal?.aborted) return;
      const rule = this.rules[i]!;
      const wallStart = ctx.scheduler.now();
      const start = performance.now();
      this.counters.evaluations++;
      try {
        let vector: Awaited<ReturnType<Rule['eval']>>;
        try {
          vector = await rule.eval(tsMs, evalCtx);
        } catch (err) {
          this.#ruleFailed(rule, err);
          // A canceled query is a shutdown, not a failure worth a log line.
          if (!(err instanceof QueryCanceledError)) {
            ctx.logger?.('warn', 'Evaluating rule failed', { rule: rule.name, index: i, err: String(err) });
          }
          continue;
        }
        rule.health = RuleHealth.Good;
        rule.lastError = undefined;
        samplesTotal += vector.length;
        if (rule instanceof AlertingRule) rule.sendAlerts(tsMs, ctx.resendDelayMs, this.intervalMs, ctx.notifyFunc);
        await this.#append(i, rule, vector, tsMs - queryOffsetMs);
      } finally {
        const took = performance.now() - start;
        ctx.metrics.evalDuration.observe(took / 1000);
        rule.evaluationDurationMs = took;
        rule.evaluationTimestampMs = wallStart;
      }
    }
    this.counters.lastEvaluationSamples = samplesTotal;
    await this.cleanupStaleSeries(tsMs);
  }

  #ruleFailed(rule: Rule, err: unknown): void {
    rule.health = RuleHealth.Bad;
    rule.lastError = err instanceof Error ? err : new Error(String(err));
    this.counters.evaluationFailures++;
  }

  async #append(i: number, rule: Rule, vector: Awaited<ReturnType<Rule['eval']>>, staleT: number): Promise<void> {
    const ctx = this.#ctx;
    const app = ctx.appendable.appender();
    const returned = new Map<string, Labels>();
    let outOfOrder = 0;
    let tooOld = 0;
    let duplicates = 0;
    for (const s of vector) {
      try {
        // Prometheus: Group.Eval: a histogram result is recorded as a (float) native histogram.
        if (s.h !== undefined) app.appendHistogram(0, s.metric, s.t, undefined, s.h);
        else app.append(0, s.metric, s.t, s.f);
        returned.set(s.metric.key(), s.metric);
      } catch (err) {
        rule.health = RuleHealth.Bad;
        rule.lastError = err instanceof Error ? err : new Error(String(err));
        if (err instanceof OutOfOrderSampleError) outOfOrder++;
        else if (err instanceof TooOldSampleError) tooOld++;
        else if (err instanceof DuplicateSampleForTimestampError) duplicates++;
        else ctx.logger?.('warn', 'Rule evaluation result discarded', { err: String(err), sample: String(s.metric) });
      }
    }
    if (outOfOrder > 0) {
      ctx.logger?.('warn', 'Error on ingesting out-of-order result from rule evaluation', { num_dropped: outOfOrder });
    }
    if (tooOld > 0)
      ctx.logger?.('warn', 'Error on ingesting too old result from rule evaluation', { num_dropped: tooOld });
    if (duplicates > 0) {
      ctx.logger?.('warn', 'Error on ingesting results from rule evaluation with different value but same timestamp', {
        num_dropped: duplicates,
      });
    }
    for (const [key, lset] of this.seriesInPreviousEval[i]!) {
      if (returned.has(key)) continue;
      // The series is no longer produced: mark it stale.
      appendStale(app, lset, staleT, ctx.logger);
    }
    try {
      await app.commit();
      this.seriesInPreviousEval[i] = returned;
    } catch (err) {
      this.#ruleFailed(rule, err);
      ctx.logger?.('warn', 'Rule sample appending failed', { err: String(err) });
    }
  }

  /** Writes stale markers for the series of removed rules (at `tsMs` minus the query offset). */
  // Prometheus: rules/group.go Group.cleanupStaleSeries
  async cleanupStaleSeries(tsMs: number): Promise<void> {
    if (this.staleSeries.length === 0) return;
    const app = this.#ctx.appendable.appender();
    const t = tsMs - this.queryOffsetMs;
    for (const s of this.staleSeries) appendStale(app, s, t, this.#ctx.logger);
    try {
      await app.commit();
      this.staleSeries = [];
    } catch (err) {
      this.#ctx.logger?.('warn', 'Stale sample appending for previous configuration failed', { err: String(err) });
    }
  }

  /** Restores the alerts' `for` state (see {@link restoreForState}). */
  async restoreForState(tsMs: number): Promise<void> {
    const start = performance.now();
    await restoreForState(this.name, this.alertingRules(), this.#ctx, tsMs);
    this.counters.lastRestoreDurationSeconds = (performance.now() - start) / 1000;
  }

  // After removal: wait two intervals (a renamed rule may take the series over), then mark stale.
  // The manager's stop cancels the wait (no markers at shutdown), as Prometheus's managerDone.
  async #markAllStale(nowMs: number): Promise<void> {
    for (const m of this.seriesInPreviousEval) for (const l of m.values()) this.staleSeries.push(l);
    this.seriesInPreviousEval = [];
    const wait = new AbortController();
    const stop = () => wait.abort();
    this.#ctx.managerDone.addEventListener('abort', stop, { once: true });
    try {
      if (await this.#ctx.scheduler.sleepUntil(nowMs + 2 * this.intervalMs, wait.signal)) {
        await this.cleanupStaleSeries(nowMs);
      }
    } finally {
      this.#ctx.managerDone.removeEventListener('abort', stop);
      wait.abort(); // Tells the scheduler this waiter is done.
    }
  }

  /**
   * Takes over the state of `from`, the group this one replaces on reload: evaluation times, the
   * series of rules with the same name and labels, and their active alerts; the series of rules
   * that are gone are marked stale at the next evaluation.
   */
  // Prometheus: rules/group.go Group.CopyState
  copyState(from: Group): void {
    this.evaluationTimeMs = from.evaluationTimeMs;
    this.lastEvaluationMs = from.lastEvaluationMs;
    const ruleMap = new Map<string, number[]>();
    from.rules.forEach((r, fi) => {
      const k = nameAndLabels(r);
      ruleMap.set(k, [...(ruleMap.get(k) ?? []), fi]);
    });
    this.rules.forEach((rule, i) => {
      const k = nameAndLabels(rule);
      const indexes = ruleMap.get(k) ?? [];
      if (indexes.length === 0) return;
      const fi = indexes[0]!;
      this.seriesInPreviousEval[i] = from.seriesInPreviousEval[fi] ?? new Map();
      ruleMap.set(k, indexes.slice(1));
      const far = from.rules[fi];
      if (!(rule instanceof AlertingRule) || !(far instanceof AlertingRule)) return;
      for (const [fp, a] of far.active) rule.active.set(fp, a);
    });
    // Rules deleted, or duplicates left unmatched.
    this.staleSeries = [...from.staleSeries];
    from.rules.forEach((r, fi) => {
      if ((ruleMap.get(nameAndLabels(r)) ?? []).length === 0) return;
      for (const l of from.seriesInPreviousEval[fi]?.values() ?? []) this.staleSeries.push(l);
    });
  }

  /** Whether `o` has the same configuration (then a reload keeps this group running). */
  // Prometheus: rules/group.go Group.Equals
  equals(o: Group): boolean {
    if (this.name !== o.name || this.file !== o.file || this.intervalMs !== o.intervalMs || this.limit !== o.limit) {
      return false;
    }
    if (this.#queryOffsetMs !== o.#queryOffsetMs || !this.labels.equals(o.labels)) return false;
    if (this.rules.length !== o.rules.length) return false;
    return this.rules.every((r, i) => r.toString() === o.rules[i]!.toString());
  }
}

function nameAndLabels(r: Rule): string {
  return r.name + r.labels.toString();
}

function appendStale(
  app: ReturnType<Appendable['appender']>,
  lset: Labels,
  t: number,
  logger: RulesLogger | undefined,
): void {
  try {
    app.append(0, lset, t, StaleNaN);
  } catch (err) {
    // Expected when another rule now writes the series: not worth a log line.
    if (
      err instanceof OutOfOrderSampleError ||
      err instanceof TooOldSampleError ||
      err instanceof DuplicateSampleForTimestampError
    ) {
      return;
    }
    logger?.('warn', 'Adding stale sample failed', { sample: String(lset), err: String(err) });
  }
}
