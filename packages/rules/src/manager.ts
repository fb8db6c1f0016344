// The rule manager: loads rule files into groups, runs them, and swaps them on reload while
// keeping the state of what did not change.
// Prometheus: rules/manager.go Manager
import type { ValidationScheme } from '@tsprom/labels';
import { Labels } from '@tsprom/labels';
import { parseExpr } from '@tsprom/promql';
import type { Appendable, Queryable } from '@tsprom/storage-interfaces';
import { annotationsOf } from './alert.js';
import { AlertingRule, type NotifyFunc } from './alerting-rule.js';
import { Group, groupKey } from './group.js';
import type { GroupContext, RulesLogger } from './group-context.js';
import type { QueryFunc } from './query-func.js';
import { RecordingRule } from './recording-rule.js';
import type { Rule } from './rule.js';
import { type RuleMetricFamily, RuleMetrics } from './rule-metrics.js';
import { RuleFileErrors } from './rulefmt/errors.js';
import { loadRuleFiles } from './rulefmt/load-rule-files.js';
import type { RulesFS } from './rules-fs.js';
import { type Scheduler, systemScheduler } from './scheduler.js';

/** What a manager needs. Times in ms. */
// Prometheus: rules/manager.go ManagerOptions
export interface ManagerOptions {
  readonly queryFunc: QueryFunc;
  /** Where alerts go (the server connects the notifier). Default: nowhere. */
  readonly notifyFunc?: NotifyFunc;
  readonly appendable: Appendable;
  /** Read for restoring `for` state. */
  readonly queryable: Queryable;
  /** Default 1m (`--rules.alert.resend-delay`). */
  readonly resendDelayMs?: number;
  /** Default 1h (`--rules.alert.for-outage-tolerance`). */
  readonly outageToleranceMs?: number;
  /** Default 10m (`--rules.alert.for-grace-period`). */
  readonly forGracePeriodMs?: number;
  /** The query offset of groups that set none (the global `rule_query_offset`); default 0. */
  readonly defaultRuleQueryOffsetMs?: () => number;
  readonly scheduler?: Scheduler;
  readonly logger?: RulesLogger;
  /** Where rule files are read (default: Node's file system). */
  readonly fs?: RulesFS;
  /** Metric and label name validation of rule files (default `utf8`). */
  readonly nameValidationScheme?: ValidationScheme;
}

/** A reload that failed: the previous rules keep running. `cause` holds the RuleFileErrors. */
export class RuleLoadError extends Error {
  override readonly name = 'RuleLoadError';
  constructor(readonly errors: RuleFileErrors) {
    super('error loading rules, previous rule set restored', { cause: errors });
  }
}

/** Runs rule groups. Not safe for overlapping `update` calls (await each). */
// Prometheus: rules/manager.go Manager
export class Manager {
  readonly #o: ManagerOptions;
  readonly #metrics: RuleMetrics;
  readonly #done = new AbortController();
  #groups = new Map<string, Group>();
  #restored = false;
  #externalURL = '';
  #unblock!: () => void;
  readonly #ready = new Promise<void>((resolve) => {
    this.#unblock = resolve;
  });
  #stopped = false;

  constructor(opts: ManagerOptions) {
    this.#o = opts;
    this.#metrics = new RuleMetrics(() => (opts.scheduler ?? systemScheduler).now());
  }

  /** Lets groups start evaluating (groups loaded before wait for this: the storage may not be ready). */
  // Prometheus: rules/manager.go Manager.Run
  run(): void {
    this.#unblock();
  }

  /**
   * Loads `files` and replaces the running groups: a group whose configuration is unchanged keeps
   * running; a changed one is stopped and its successor takes over its state; a removed one is
   * stopped and its series marked stale two intervals later. Throws {@link RuleLoadError} (the
   * previous groups keep running) when a file is invalid.
   */
  // Prometheus: rules/manager.go Manager.Update
  async update(
    intervalMs: number,
    files: readonly string[],
    externalLabels: Labels,
    externalURL: string,
  ): Promise<void> {
    if (this.#stopped) throw new Error('rule manager is stopped');
    let groups: Map<string, Group>;
    try {
      groups = await this.loadGroups(intervalMs, externalLabels, externalURL, files);
    } catch (err) {
      if (!(err instanceof RuleFileErrors)) throw err;
      for (const e of err.errors) this.#o.logger?.('error', 'loading groups failed', { err: e.message });
      throw new RuleLoadError(err);
    }
    this.#restored = true;
    this.#externalURL = externalURL;
    const old = this.#groups;
    const starts: Promise<void>[] = [];
    for (const [key, newg] of groups) {
      const oldg = old.get(key);
      old.delete(key);
      if (oldg?.equals(newg)) {
        groups.set(key, oldg);
        continue;
      }
      starts.push(
        (async () => {
          if (oldg !== undefined) {
            await oldg.stop();
            newg.copyState(oldg);
          }
          newg.start(this.#ready);
        })(),
      );
    }
    for (const [key, oldg] of old) {
      oldg.markStale = true;
      starts.push(
        (async () => {
          await oldg.stop();
          this.#trackCleanup(oldg);
          if (!groups.has(key)) this.#metrics.groups.delete(key);
        })(),
      );
    }
    await Promise.all(starts);
    this.#groups = groups;
  }

  readonly #cleanups = new Set<Promise<void>>();
  #trackCleanup(g: Group): void {
    const p = g.staleCleanup;
    if (p === undefined) return;
    const tracked = p.finally(() => this.#cleanups.delete(tracked));
    this.#cleanups.add(tracked);
  }

  /**
   * Reads `files` into groups (not started): intervals default to `intervalMs`, group labels are
   * merged under each rule's, alerting rules get the external labels and URL. Throws
   * RuleFileErrors.
   */
  // Prometheus: rules/manager.go Manager.LoadGroups
  async loadGroups(
    intervalMs: number,
    externalLabels: Labels,
    externalURL: string,
    files: readonly string[],
  ): Promise<Map<string, Group>> {
    const shouldRestore = !this.#restored;
    const parsed = await loadRuleFiles(files, { fs: this.#o.fs, nameValidationScheme: this.#o.nameValidationScheme });
    const ctx = this.#context(externalURL);
    const groups = new Map<string, Group>();
    for (const [file, rgs] of parsed) {
      for (const rg of rgs.groups) {
        const rules: Rule[] = rg.rules.map((r) => {
          const expr = parseExpr(r.expr);
          const labels = Labels.fromMap({ ...rg.labels, ...r.labels });
          if (r.alert !== undefined) {
            return new AlertingRule(r.alert, expr, r.forMs, r.keepFiringForMs, labels, annotationsOf(r.annotations), {
              externalLabels,
              externalURL,
              restored: this.#restored,
              onTemplateError: (alert, err) =>
                this.#o.logger?.('warn', 'Expanding alert template failed', { alert, err: String(err) }),
            });
          }
          return new RecordingRule(r.record ?? '', expr, labels);
        });
        groups.set(
          groupKey(file, rg.name),
          new Group({
            name: rg.name,
            file,
            intervalMs: rg.intervalMs !== 0 ? rg.intervalMs : intervalMs,
            queryOffsetMs: rg.queryOffsetMs,
            limit: rg.limit,
            rules,
            labels: Labels.fromMap(rg.labels),
            shouldRestore,
            context: ctx,
          }),
        );
      }
    }
    return groups;
  }

  #context(externalURL: string): GroupContext {
    const o = this.#o;
    return {
      queryFunc: o.queryFunc,
      notifyFunc: o.notifyFunc ?? (() => {}),
      appendable: o.appendable,
      queryable: o.queryable,
      externalURL,
      resendDelayMs: o.resendDelayMs ?? 60_000,
      outageToleranceMs: o.outageToleranceMs ?? 3_600_000,
      forGracePeriodMs: o.forGracePeriodMs ?? 600_000,
      defaultRuleQueryOffsetMs: o.defaultRuleQueryOffsetMs ?? (() => 0),
      scheduler: o.scheduler ?? systemScheduler,
      logger: o.logger,
      metrics: this.#metrics,
      managerDone: this.#done.signal,
    };
  }

  /** Stops every group (waiting for running evaluations) and drops pending stale-marking. */
  // Prometheus: rules/manager.go Manager.Stop
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#groups.values()].map((g) => g.stop()));
    this.#done.abort();
    await Promise.all([...this.#cleanups]);
  }

  /** The running groups, by file then name. */
  // Prometheus: rules/manager.go Manager.RuleGroups
  ruleGroups(): Group[] {
    return [...this.#groups.values()].sort((a, b) =>
      a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  /** Every rule of every group. */
  rules(): Rule[] {
    return this.ruleGroups().flatMap((g) => [...g.rules]);
  }

  /** Every alerting rule of every group. */
  alertingRules(): AlertingRule[] {
    return this.ruleGroups().flatMap((g) => g.alertingRules());
  }

  /** The external URL of the last successful update. */
  get externalURL(): string {
    return this.#externalURL;
  }

  /** The prometheus_rule_* families (for the server's /metrics). */
  metrics(): RuleMetricFamily[] {
    return this.#metrics.families();
  }
}
