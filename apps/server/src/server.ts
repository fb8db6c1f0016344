// Prometheus: cmd/prometheus/main.go: the server's startup order (config checked, web listening
// and answering 503, TSDB opened with its WAL replayed, discovery, scrape, engine, ready), its
// reloaders (SIGHUP, /-/reload) and its graceful shutdown.
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { availableParallelism, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CONFIGURATION_UNSUCCESSFUL,
  createAPIHandler,
  createFederateHandler,
  Notifications,
  type RuntimeInfo,
  SHUTTING_DOWN,
  STARTING_UP,
  type WALReplayStatus,
} from '@tsprom/api';
import {
  type Config,
  configToYAML,
  DefaultExemplarsConfig,
  DefaultOTLPConfig,
  formatDuration,
  formatSize,
  type GlobFS,
  GlobPatternError,
  glob,
  loadConfig,
  loadConfigFile,
  loadScrapeConfigFiles,
  scrapeConfigToYAML,
} from '@tsprom/config';
import { defaultSDRegistry, type Manager as DiscoveryManager } from '@tsprom/discovery';
import { Labels } from '@tsprom/labels';
import { alertmanagerDiscoveryConfigs, Manager as NotifierManager, sendAlerts } from '@tsprom/notifier';
import { Engine } from '@tsprom/promql';
import {
  HTTPReadClient,
  OTLPWriteHandler,
  ReadHandler,
  RemoteReadQueryable,
  WriteHandler,
  WriteStorage,
} from '@tsprom/remote';
import { type Manager as RuleManager, RuleLoadError } from '@tsprom/rules';
import { HTTPClient, Manager as ScrapeManager } from '@tsprom/scrape';
import { type Appender, chainedSeriesMerge, newMergeQuerier, type Querier } from '@tsprom/storage-interfaces';
import { DB } from '@tsprom/tsdb';
import { AgentDB } from '@tsprom/tsdb/agent';
import { agentMetrics } from './agent-metrics.js';
import { notifierMetrics, ruleMetrics } from './alerting-metrics.js';
import { alertingProviders, newRuleManager, notifyFunc } from './alerting.js';
import type { BuildInfo } from './build-info.js';
import { defaultAgentConfigYAML, defaultConfigYAML, selfTarget } from './default-config.js';
import { loadSDPackages, loadSDPackagesForScrapeConfigFiles, newDiscoveryManager, sdMetrics } from './discovery.js';
import type { Flags } from './flags.js';
import { InstrumentedEngine } from './engine-metrics.js';
import { serverFeatures } from './features.js';
import type { Logger } from './logger.js';
import { type MetricFamily, Registry, single } from './metrics-registry.js';
import { ProcessMetrics } from './process-metrics.js';
import { toProtoFamily } from './self-metrics.js';
import type { ServerSettings } from './server-options.js';
import { discoveryMetrics, scrapeMetrics, tsdbMetrics } from './storage-metrics.js';
import { WebHandler } from './web.js';
import { WebSecurity } from './web-security.js';

/** The configuration could not be loaded at startup: Prometheus exits with 2 then. */
export class ConfigLoadError extends Error {
  override readonly name = 'ConfigLoadError';
}

/** What a server is started with. */
export interface ServerInit {
  readonly settings: ServerSettings;
  readonly flags: Flags;
  readonly logger: Logger;
  readonly build: BuildInfo;
  /** Called when /-/quit asks the process to stop. */
  readonly onQuit: () => void;
  /**
   * Follows the WAL replay at start as `status/walreplay` shows it (after the server's own
   * update); the replay waits for a returned promise.
   */
  readonly onWALReplayStatus?: (status: WALReplayStatus) => void | Promise<void>;
}

/** A loaded configuration with the scrape configs of its scrape_config_files. */
interface LoadedConfig {
  readonly config: Config;
  readonly scrapeConfigs: Config['scrapeConfigs'];
}

const DEFAULT_RETENTION_MS = 15 * 86_400_000;

/** A running tsprom server. */
export class Server {
  readonly #init: ServerInit;
  readonly #log: Logger;
  readonly #web: WebHandler;
  /** The remote-write receiver (its decode workers end with the server). */
  readonly #writeHandler: WriteHandler | undefined;
  readonly #registry = new Registry();
  readonly #process = new ProcessMetrics();
  /** The query engine; none in agent mode. */
  readonly #engine: InstrumentedEngine | undefined;
  readonly #startTime = Date.now();
  #db: DB | undefined;
  /** The exemplar storage's size (`storage.exemplars.max_exemplars`; 0 without exemplar-storage). */
  #maxExemplars = 0;
  /** The agent's storage (agent mode), in place of the TSDB. */
  #agentDB: AgentDB | undefined;
  /** The `remote_write` queues, following the WAL of the TSDB or of the agent. */
  #writeStorage: WriteStorage | undefined;
  #scrape: ScrapeManager | undefined;
  #discovery: DiscoveryManager | undefined;
  #scrapeRunning: Promise<void> | undefined;
  readonly #stopDiscovery = new AbortController();
  #ruleManager: RuleManager | undefined;
  #notifier: NotifierManager | undefined;
  #notifyDiscovery: DiscoveryManager | undefined;
  #notifierRunning: Promise<void> | undefined;
  #config: Config | undefined;
  #defaultConfigText: string | undefined;
  #ready = false;
  #reloadSuccess = false;
  #lastReloadTime = 0;
  #reloadQueue: Promise<void> = Promise.resolve();
  #walStatus: WALReplayStatus = { min: 0, max: 0, current: 0 };
  #address = '';
  #stopped: Promise<void> | undefined;
  /** What the UI shows as the server's notifications (reload failed, starting, stopping). */
  readonly #notifications: Notifications;

  private constructor(init: ServerInit, security: WebSecurity | undefined) {
    this.#init = init;
    this.#notifications = new Notifications({ maxSubscribers: init.settings.maxNotificationsSubscribers });
    this.#log = init.logger;
    const s = init.settings;
    const f = s.features;
    // Prometheus's agent has no query engine.
    this.#engine = s.agentMode
      ? undefined
      : new InstrumentedEngine(
          new Engine({
            timeoutMs: s.queryTimeoutMs,
            maxSamples: s.maxSamples,
            lookbackDeltaMs: s.lookbackDeltaMs,
            enablePerStepStats: f.has('promql-per-step-stats'),
            enableDelayedNameRemoval: f.has('promql-delayed-name-removal'),
            enableExperimentalFunctions: f.has('promql-experimental-functions'),
            enableExtendedRangeSelectors: f.has('promql-extended-range-selectors'),
          }),
          s.maxConcurrency,
        );
    const api = createAPIHandler({
      isAgent: s.agentMode,
      // The DB opens after the web server listens; the API answers 503 until it is open.
      // The local TSDB merged with every remote_read endpoint (Prometheus's fanout storage).
      queryable: { querier: (mint, maxt) => this.#querier(mint, maxt) },
      engine: this.#engine,
      isReady: () => this.#ready,
      maxConcurrency: s.maxConcurrency,
      enablePerStepStats: f.has('promql-per-step-stats'),
      parserOptions: {
        enableExperimentalFunctions: f.has('promql-experimental-functions'),
        enableExtendedRangeSelectors: f.has('promql-extended-range-selectors'),
      },
      corsOrigin: s.corsOrigin,
      enableSearchAPI: f.has('search-api'),
      searchMaxLimit: s.searchMaxLimit,
      targets: {
        targetsActive: () => this.#scrape?.targetsActive() ?? new Map(),
        targetsDropped: () => this.#scrape?.targetsDropped() ?? new Map(),
        targetsDroppedCounts: () => this.#scrape?.targetsDroppedCounts() ?? new Map(),
      },
      scrapePools: {
        scrapePools: () => this.#scrape?.scrapePools() ?? [],
        scrapePoolConfig: (name) => {
          const sc = this.#scrape?.scrapePoolConfig(name);
          return sc === undefined
            ? undefined
            : { relabelConfigs: sc.relabelConfigs, yaml: () => scrapeConfigToYAML(sc) };
        },
      },
      notifications: this.#notifications,
      ...alertingProviders(
        () => this.#ruleManager,
        () => this.#notifier,
      ),
      exemplars: {
        // Without the feature there is no exemplar storage: Prometheus answers `data: null`.
        selectExemplars: (start, end, sets) =>
          f.has('exemplar-storage') ? this.#openDB().exemplars(start, end, ...sets) : undefined,
      },
      enableAdmin: s.enableAdmin,
      admin: {
        delete: (mint, maxt, ...ms) => this.#openDB().delete(mint, maxt, ...ms),
        cleanTombstones: () => this.#openDB().cleanTombstones(),
        snapshot: (skipHead) => this.#snapshot(skipHead),
      },
      status: {
        config: () => (this.#config === undefined ? '' : configToYAML(this.#config)),
        flags: () => init.flags.all(),
        runtimeInfo: () => this.#runtimeInfo(),
        buildInfo: () => init.build,
        walReplay: () => this.#walStatus,
        blockMetas: () => this.#db?.blocks() ?? [],
        features: () => serverFeatures(s, defaultSDRegistry.keys()),
        selfMetrics: () => this.#registry.gather().map(toProtoFamily),
        headStats: () => {
          const db = this.#openDB();
          const st = db.stats();
          // An empty head after blocks starts where the last block ends, as Prometheus's.
          const lastBlock = db.blocks().at(-1);
          const empty = st.numSeries === 0 || !Number.isFinite(st.minTime);
          const edge = empty && lastBlock !== undefined ? lastBlock.maxTime : undefined;
          return {
            numSeries: st.numSeries,
            numLabelPairs: st.numLabelPairs,
            chunkCount: st.numChunks,
            minTime: edge ?? st.minTime,
            maxTime: edge ?? st.maxTime,
          };
        },
      },
      globalURL: this.#globalURL,
    });
    const federate = createFederateHandler({
      queryable: { querier: (mint, maxt) => this.#localQuerier(mint, maxt) },
      lookbackDeltaMs: s.lookbackDeltaMs,
      externalLabels: () => this.#config?.global.externalLabels ?? Labels.EMPTY,
    });
    const remoteLog = init.logger.with({ component: 'remote' });
    const remoteLogger = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) =>
      remoteLog.log(level, msg, fields);
    const writeHandler = s.enableRemoteWriteReceiver
      ? new WriteHandler({
          appendable: { appender: () => this.#appender() },
          acceptedProtoMsgs: s.remoteWriteAcceptedMsgs,
          logger: remoteLogger,
        })
      : undefined;
    this.#writeHandler = writeHandler;
    const otlpHandler = s.enableOTLPReceiver
      ? new OTLPWriteHandler({
          writer: new WriteHandler({ appendable: { appender: () => this.#appender() }, logger: remoteLogger }),
          config: () => this.#config?.otlp ?? DefaultOTLPConfig,
          allowDeltaTemporality: s.features.has('otlp-native-delta-ingestion'),
          logger: remoteLogger,
        })
      : undefined;
    const readHandler = new ReadHandler({
      queryable: {
        querier: (mint, maxt) => this.#localQuerier(mint, maxt),
        chunkQuerier: (mint, maxt) => this.#openDB().chunkQuerier(mint, maxt),
      },
      externalLabels: () => this.#config?.global.externalLabels ?? Labels.EMPTY,
      sampleLimit: s.remoteReadSampleLimit,
      concurrentLimit: s.remoteReadConcurrentLimit,
      maxBytesInFrame: s.remoteReadMaxBytesInFrame,
      logger: remoteLogger,
    });
    this.#web = new WebHandler({
      remote: {
        read: (req) => readHandler.handle(req),
        write: writeHandler === undefined ? undefined : (req) => writeHandler.handle(req),
        otlp: otlpHandler === undefined ? undefined : (req) => otlpHandler.handle(req),
      },
      api: (req) => api(req),
      // Prometheus serves /federate only when ready, as the API.
      federate: (req) =>
        this.#ready ? federate(req) : Promise.resolve(new Response('Service Unavailable', { status: 503 })),
      routePrefix: routePrefix(s),
      agentMode: s.agentMode,
      enableLifecycle: s.enableLifecycle,
      isReady: () => this.#ready,
      metricsText: () => this.#registry.text(),
      // Prometheus's reload handler waits for the initial configuration load (reloadReady).
      reload: () => this.#reloadReady.then(() => this.reload()),
      quit: init.onQuit,
      logger: init.logger.with({ component: 'web' }),
      readTimeoutMs: s.readTimeoutMs,
      maxConnections: s.maxConnections,
      security,
    });
    this.#registerMetrics();
    if (writeHandler !== undefined) {
      this.#registry.register(() => [
        single(
          'prometheus_api_remote_write_invalid_labels_samples_total',
          'The total number of received remote write samples and histogram samples which were rejected due to invalid labels.',
          'counter',
          writeHandler.samplesWithInvalidLabels,
        ),
      ]);
    }
  }

  /** The address the web server listens on (`host:port`). */
  get address(): string {
    return this.#address;
  }

  /** Prometheus: the fanout of the local storage (primary) and the remote_read queryables. */
  #querier(mint: number, maxt: number): Querier {
    const local = this.#localQuerier(mint, maxt);
    if (this.#remoteReads.length === 0) return local;
    return newMergeQuerier(
      [local],
      this.#remoteReads.map((r) => r.querier(mint, maxt)),
      chainedSeriesMerge,
    );
  }

  /** Prometheus: remote.Storage.ApplyConfig (the read side): a queryable per remote_read config. */
  async #applyRemoteRead(config: Config): Promise<void> {
    const next: RemoteReadQueryable[] = [];
    try {
      for (const rr of config.remoteRead) {
        next.push(
          new RemoteReadQueryable({
            client: await HTTPReadClient.create(rr, `Prometheus/${this.#init.build.version}`),
            externalLabels: rr.filterExternalLabels ? config.global.externalLabels : Labels.EMPTY,
            requiredMatchers: rr.requiredMatchers,
            readRecent: rr.readRecent,
            localStartTime: () => this.#openDB().startTime(),
          }),
        );
      }
    } catch (err) {
      await Promise.allSettled(next.map((q) => q.close()));
      throw err;
    }
    const old = this.#remoteReads;
    this.#remoteReads = next;
    await Promise.allSettled(old.map((q) => q.close()));
  }

  #remoteReads: RemoteReadQueryable[] = [];

  #openDB(): DB {
    if (this.#db === undefined) throw new Error('the TSDB is not open yet');
    return this.#db;
  }

  /** The local storage's querier; the agent's refuses (AgentUnsupportedError), as Prometheus's. */
  #localQuerier(mint: number, maxt: number): Querier {
    if (this.#agentDB !== undefined) return this.#agentDB.querier(mint, maxt);
    return this.#openDB().querier(mint, maxt);
  }

  /** An appender of the local storage: the agent's WAL in agent mode, else the TSDB. */
  #appender(): Appender {
    if (this.#agentDB !== undefined) return this.#agentDB.appender();
    return this.#openDB().appender();
  }

  /**
   * Starts a server in Prometheus's order: the configuration is checked, the web server listens
   * (answering 503 until ready), the TSDB opens (replaying its WAL), discovery and scraping start
   * with the configuration applied, then the server is ready. Rejects with ConfigLoadError when
   * the configuration does not load.
   */
  static async start(init: ServerInit): Promise<Server> {
    // Prometheus validates the web configuration before anything listens (exit 1 on failure).
    const webConfigFile = init.settings.webConfigFile;
    const srv = new Server(init, webConfigFile === '' ? undefined : WebSecurity.load(webConfigFile));
    try {
      await srv.#start();
    } catch (err) {
      // Whatever started (the listener, the TSDB's lock) is released, or the process would hang.
      await srv.stop().catch(() => undefined);
      throw err;
    }
    return srv;
  }

  async #start(): Promise<void> {
    const s = this.#init.settings;
    const log = this.#log;
    const b = this.#init.build;
    log.log('info', 'Starting tsprom', { version: b.version, revision: b.revision, node: process.version });
    const useDefault = !s.configFileGiven && !existsSync(s.configFile);
    this.#maxExemplars = s.features.has('exemplar-storage') ? DefaultExemplarsConfig.maxExemplars : 0;
    if (!useDefault) {
      try {
        // Prometheus main: the exemplar storage starts with the size the configuration gives.
        this.#maxExemplars = this.#configuredMaxExemplars((await this.#loadConfig()).config);
      } catch (err) {
        throw new ConfigLoadError(`Error loading config (--config.file=${s.configFile}): ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
    const addr = await this.#web.listen(s.listenHost, s.listenPort);
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.#address = `${host}:${addr.port}`;
    log.log('info', 'Listening on', { address: this.#address });
    const ext = s.externalURL ?? new URL(`http://${hostname()}:${addr.port}/`);
    this.#setGlobalURL(ext, `${s.listenHost}:${addr.port}`);
    if (useDefault) {
      const self = selfTarget(s.listenHost, addr.port);
      this.#defaultConfigText = s.agentMode ? defaultAgentConfigYAML(self) : defaultConfigYAML(self);
      log.log('info', 'No configuration file found: using the default configuration (it scrapes this server)', {
        file: s.configFile,
      });
    }

    this.#notifications.add(STARTING_UP);
    const appendable = s.agentMode ? await this.#openAgentStorage() : await this.#openTSDB();
    this.#notifications.delete(STARTING_UP);

    const scrapeLog = log.with({ component: 'scrape manager' });
    if (s.features.has('created-timestamp-zero-ingestion')) {
      log.log(
        'info',
        'Experimental created timestamp zero ingestion enabled. Changed default scrape_protocols to prefer PrometheusProto format.',
        {
          'global.scrape_protocols':
            '[PrometheusProto OpenMetricsText1.0.0 OpenMetricsText0.0.1 PrometheusText1.0.0 PrometheusText0.0.4]',
        },
      );
    }
    this.#scrape = new ScrapeManager({
      appendable,
      hostname: hostname(),
      logger: (level, msg, fields) => scrapeLog.log(level, msg, fields),
      enableCreatedTimestampZeroIngestion: s.features.has('created-timestamp-zero-ingestion'),
    });
    this.#discovery = newDiscoveryManager('scrape', log);
    this.#discovery.start();
    this.#scrapeRunning = this.#scrape.run(this.#discovery.updates(this.#stopDiscovery.signal));
    if (!s.agentMode) this.#startAlerting(ext);
    await this.reload();
    this.#markReloadReady();
    if (!s.agentMode) {
      // Prometheus starts the rule manager and the notifier once the first reload is done.
      this.#ruleManager!.run();
      this.#notifierRunning = this.#notifier!.run(this.#notifyDiscovery!.updates(this.#stopDiscovery.signal));
    }
    this.#ready = true;
    log.log('info', 'Server is ready to receive web requests.');
  }

  /** The remote_write queues over the WAL in `walDir` (their positions kept beside it). */
  #newWriteStorage(dataDir: string): WriteStorage {
    const rlog = this.#log.with({ component: 'remote' });
    return new WriteStorage({
      walDir: join(dataDir, 'wal'),
      stateDir: join(dataDir, 'remote-write'),
      flushDeadlineMs: this.#init.settings.remoteFlushDeadlineMs,
      onError: (err) => rlog.log('error', 'remote write failed', { err }),
    });
  }

  /** Prometheus main's agent branch: the WAL storage in `--storage.agent.path`. */
  async #openAgentStorage(): Promise<AgentDB> {
    const a = this.#init.settings.agent;
    const log = this.#log;
    const dataDir = resolve(a.dataDir);
    log.log('info', 'Starting WAL storage ...', { path: dataDir });
    const t0 = performance.now();
    const ws = this.#newWriteStorage(dataDir);
    this.#writeStorage = ws;
    const wlog = log.with({ component: 'agent' });
    this.#agentDB = await AgentDB.open(dataDir, {
      walCompression: a.walCompression,
      walSegmentSizeBytes: a.walSegmentSizeBytes,
      truncateFrequencyMs: a.truncateFrequencyMs,
      minWALTimeMs: a.minWALTimeMs,
      maxWALTimeMs: a.maxWALTimeMs,
      noLockfile: a.noLockfile,
      remoteWrite: ws,
      logger: (msg, level) => wlog.log(level, msg),
    });
    log.log('info', 'WAL storage started', { duration: `${Math.round(performance.now() - t0)}ms` });
    return this.#agentDB;
  }

  /** Prometheus main's server branch: the TSDB in `--storage.tsdb.path`, its WAL replayed. */
  async #openTSDB(): Promise<DB> {
    const s = this.#init.settings;
    const log = this.#log;
    const dataDir = resolve(s.dataDir);
    log.log('info', 'Starting TSDB ...', { path: dataDir });
    let replayStarted = false;
    const t0 = performance.now();
    this.#db = await DB.open(dataDir, {
      retentionMs: s.retentionMs ?? (s.retentionBytes !== undefined ? 0 : DEFAULT_RETENTION_MS),
      retentionBytes: s.retentionBytes,
      noLockfile: s.noLockfile,
      maxExemplars: this.#maxExemplars,
      floatChunkEncoding: s.features.has('xor2-encoding') ? 'xor2' : 'xor',
      logger: (msg, level) => log.log(level, msg, { component: 'tsdb' }),
      onWALReplayStatus: (st) => {
        // The first call gives the range; each later one a segment loaded, which Prometheus logs.
        if (replayStarted) {
          log.log('info', 'WAL segment loaded', { component: 'tsdb', segment: st.current, maxSegment: st.max });
        }
        replayStarted = true;
        this.#walStatus = { min: st.min, max: st.max, current: st.current };
        return this.#init.onWALReplayStatus?.(this.#walStatus);
      },
    });
    log.log('info', 'TSDB started', { duration: `${Math.round(performance.now() - t0)}ms` });
    this.#writeStorage = this.#newWriteStorage(dataDir);
    return this.#db;
  }

  /**
   * The notifier, its discovery manager (`name="notify"`) and the rule manager, as Prometheus
   * makes them: rules evaluate through the server's engine over the DB, append to it, restore
   * `for` state from it, and send their alerts to the notifier with links under `ext`.
   */
  #startAlerting(ext: URL): void {
    const s = this.#init.settings;
    const nlog = this.#log.with({ component: 'notifier' });
    this.#notifier = new NotifierManager({
      queueCapacity: s.notificationQueueCapacity,
      maxBatchSize: s.notificationBatchSize,
      drainOnShutdown: s.drainNotificationQueueOnShutdown,
      newHTTPClient: (cfg) => HTTPClient.create(cfg),
      version: this.#init.build.version,
      logger: (level, msg, fields) => nlog.log(level, msg, fields),
    });
    this.#notifyDiscovery = newDiscoveryManager('notify', this.#log);
    this.#notifyDiscovery.start();
    const notifier = this.#notifier;
    this.#ruleManager = newRuleManager({
      engine: this.#engine!,
      db: this.#openDB(),
      settings: s,
      notify: notifyFunc(sendAlerts((...alerts) => notifier.send(...alerts), externalURLString(ext))),
      logger: this.#log.with({ component: 'rule manager' }),
      defaultRuleQueryOffsetMs: () => this.#config?.global.ruleQueryOffsetMs ?? 0,
    });
    this.#externalURL = externalURLString(ext);
  }

  #externalURL = '';
  #markReloadReady: () => void = () => {};
  readonly #reloadReady = new Promise<void>((resolve) => {
    this.#markReloadReady = resolve;
  });

  /** Prometheus's rules reloader: the rule files matched by the config's globs, in order. */
  async #ruleFiles(config: Config): Promise<string[]> {
    const files: string[] = [];
    for (const pattern of config.ruleFiles) {
      try {
        files.push(...(await glob(pattern, nodeGlobFS)));
      } catch (err) {
        if (!(err instanceof GlobPatternError)) throw err;
        throw new Error(`error retrieving rule files for ${pattern}: ${err.message}`, { cause: err });
      }
    }
    return files;
  }

  #setGlobalURL(ext: URL, listen: string): void {
    // GlobalURLOptions is read per request; the API holds the object the constructor built.
    this.#globalURL.host = ext.host;
    this.#globalURL.scheme = ext.protocol.replace(/:$/, '');
    this.#globalURL.listenAddress = listen;
  }

  readonly #globalURL = { listenAddress: '', host: '', scheme: 'http' };

  /** Loads the configuration file (or the default) with every scrape config file. */
  async #loadConfig(): Promise<LoadedConfig> {
    const s = this.#init.settings;
    const env = (k: string): string | undefined => process.env[k];
    await loadSDPackages(this.#defaultConfigText === undefined ? s.configFile : undefined, s.sdPackages);
    // Prometheus: with created-timestamp-zero-ingestion, scrapes ask for protobuf first unless
    // scrape_protocols says otherwise (the format that carries created timestamps cheaply).
    const protoFirstScrapeProtocols = s.features.has('created-timestamp-zero-ingestion');
    const opts = { sdLoader: defaultSDRegistry, env, protoFirstScrapeProtocols };
    const config =
      this.#defaultConfigText !== undefined
        ? loadConfig(this.#defaultConfigText, opts)
        : await loadConfigFile(s.configFile, opts);
    if (s.agentMode) checkAgentConfig(config);
    await loadSDPackagesForScrapeConfigFiles(config);
    const scrapeConfigs = await loadScrapeConfigFiles(config, { sdLoader: defaultSDRegistry });
    return { config, scrapeConfigs };
  }

  /**
   * Prometheus reloadConfig: loads the configuration and runs the reloaders in order (scrape
   * manager, then scrape discovery). On failure the previous configuration stays active,
   * `prometheus_config_last_reload_successful` is 0, and the promise rejects with why.
   */
  reload(): Promise<void> {
    const run = async (): Promise<void> => {
      const s = this.#init.settings;
      const file = this.#defaultConfigText === undefined ? s.configFile : '(default configuration)';
      const t0 = performance.now();
      this.#log.log('info', 'Loading configuration file', { filename: file });
      try {
        let loaded: LoadedConfig;
        try {
          loaded = await this.#loadConfig();
        } catch (err) {
          throw new Error(
            `couldn't load configuration (--config.file=${JSON.stringify(s.configFile)}): ${(err as Error).message}`,
            {
              cause: err,
            },
          );
        }
        const { config, scrapeConfigs } = loaded;
        // Prometheus's reloaders in order: local storage, remote storage, scrape, scrape discovery,
        // notifier, rules.
        if (!s.agentMode) this.#applyExemplarsConfig(config);
        await this.#writeStorage!.applyConfig(config.remoteWrite, config.global.externalLabels);
        if (!s.agentMode) await this.#applyRemoteRead(config);
        await this.#scrape!.applyConfig({ global: config.global, scrapeConfigs });
        await this.#discovery!.applyConfig(
          new Map(scrapeConfigs.map((sc) => [sc.jobName, sc.serviceDiscoveryConfigs])),
        );
        if (s.agentMode) {
          this.#config = config;
          this.#reloadSuccess = true;
          this.#notifications.delete(CONFIGURATION_UNSUCCESSFUL);
          this.#lastReloadTime = Date.now();
          this.#log.log('info', 'Completed loading of configuration file', {
            filename: file,
            totalDuration: `${Math.round(performance.now() - t0)}ms`,
          });
          return;
        }
        // Prometheus runs every reloader and reports the failed ones together; the rule manager
        // keeps its previous rules when a rule file is broken.
        const failures: Error[] = [];
        try {
          await this.#notifier!.applyConfig(config);
          await this.#notifyDiscovery!.applyConfig(alertmanagerDiscoveryConfigs(config.alerting));
        } catch (err) {
          failures.push(err as Error);
          this.#log.log('error', 'Failed to apply configuration', { component: 'notifier', err });
        }
        this.#config = config;
        try {
          await this.#ruleManager!.update(
            config.global.evaluationIntervalMs,
            await this.#ruleFiles(config),
            config.global.externalLabels,
            this.#externalURL,
          );
        } catch (err) {
          failures.push(err as Error);
          const details = err instanceof RuleLoadError ? err.errors.errors.map((e) => e.message) : [];
          this.#log.log('error', 'Failed to apply configuration', { component: 'rules', err, details });
        }
        if (failures.length > 0) {
          throw new Error(
            `one or more errors occurred while applying the new configuration (--config.file=${JSON.stringify(s.configFile)}): ${failures
              .map((e) => (e instanceof RuleLoadError ? e.errors.message : e.message))
              .join('; ')}`,
            { cause: failures[0] },
          );
        }
        this.#reloadSuccess = true;
        this.#notifications.delete(CONFIGURATION_UNSUCCESSFUL);
        this.#lastReloadTime = Date.now();
        this.#log.log('info', 'Completed loading of configuration file', {
          filename: file,
          totalDuration: `${Math.round(performance.now() - t0)}ms`,
        });
      } catch (err) {
        this.#reloadSuccess = false;
        this.#notifications.add(CONFIGURATION_UNSUCCESSFUL);
        this.#log.log('error', 'Error reloading config', { err });
        throw err;
      }
    };
    const p = this.#reloadQueue.then(run);
    this.#reloadQueue = p.catch(() => undefined);
    return p;
  }

  /** `storage.exemplars.max_exemplars` (its default when not set), or 0 without exemplar-storage. */
  #configuredMaxExemplars(config: Config): number {
    if (!this.#init.settings.features.has('exemplar-storage')) return 0;
    return (config.storage.exemplars ?? DefaultExemplarsConfig).maxExemplars;
  }

  /**
   * Prometheus: Head.ApplyConfig's exemplar part (the db_storage reloader): a changed
   * `max_exemplars` resizes the exemplar storage, keeping the newest exemplars.
   */
  #applyExemplarsConfig(config: Config): void {
    const next = this.#configuredMaxExemplars(config);
    const prev = this.#maxExemplars;
    if (next === prev || this.#db === undefined) return;
    const migrated = this.#db.resizeExemplars(next);
    this.#maxExemplars = next;
    this.#log.log('info', 'Exemplar storage resized', { component: 'tsdb', from: prev, to: next, migrated });
  }

  async #snapshot(skipHead: boolean): Promise<string> {
    const db = this.#openDB();
    const now = new Date();
    const stamp = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const rand = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
    const name = `${stamp}-${rand}`;
    const dir = join(resolve(this.#init.settings.dataDir), 'snapshots', name);
    await mkdir(dir, { recursive: true });
    await db.snapshot(dir, !skipHead);
    return name;
  }

  #runtimeInfo(): RuntimeInfo {
    const s = this.#init.settings;
    const parts: string[] = [];
    // An agent keeps no samples: Prometheus's shows no retention.
    const retention = s.agentMode ? 0 : (s.retentionMs ?? (s.retentionBytes !== undefined ? 0 : DEFAULT_RETENTION_MS));
    if (retention > 0) parts.push(formatDuration(retention));
    if (s.retentionBytes !== undefined && !s.agentMode) parts.push(formatSize(s.retentionBytes));
    return {
      startTime: this.#startTime,
      CWD: process.cwd(),
      hostname: hostname(),
      serverTime: Date.now(),
      reloadConfigSuccess: this.#reloadSuccess,
      lastConfigTime: this.#lastReloadTime,
      corruptionCount: 0,
      goroutineCount: process.getActiveResourcesInfo().length,
      GOMAXPROCS: availableParallelism(),
      GOMEMLIMIT: 0,
      GOGC: '',
      GODEBUG: '',
      storageRetention: parts.join(' or '),
    };
  }

  #registerMetrics(): void {
    const r = this.#registry;
    r.register(() => this.#process.collect());
    r.register(() => this.#web.collect());
    r.register(() => this.#engine?.collect() ?? []);
    r.register(() => [
      single(
        'prometheus_build_info',
        "A metric with a constant '1' value labeled by version, revision, branch, goversion from which prometheus was built, and the goos and goarch for the build.",
        'gauge',
        1,
        {
          branch: this.#init.build.branch,
          goarch: process.arch,
          goos: process.platform,
          goversion: this.#init.build.goVersion,
          revision: this.#init.build.revision,
          tags: this.#init.build.tags,
          version: this.#init.build.version,
        },
      ),
      single(
        'prometheus_ready',
        'Whether Prometheus startup was fully completed and the server is ready for normal operation.',
        'gauge',
        this.#ready ? 1 : 0,
      ),
      single(
        'prometheus_config_last_reload_successful',
        'Whether the last configuration reload attempt was successful.',
        'gauge',
        this.#reloadSuccess ? 1 : 0,
      ),
      single(
        'prometheus_config_last_reload_success_timestamp_seconds',
        'Timestamp of the last successful configuration reload.',
        'gauge',
        Math.floor(this.#lastReloadTime / 1000),
      ),
    ]);
    r.register(() => notificationMetrics(this.#notifications));
    r.register(() => (this.#db === undefined ? [] : tsdbMetrics(this.#db, this.#maxExemplars)));
    r.register(() =>
      this.#agentDB === undefined ? [] : agentMetrics(this.#agentDB, !this.#init.settings.agent.noLockfile),
    );
    r.register(() => this.#writeStorage?.metricFamilies() ?? []);
    r.register(() => (this.#scrape === undefined ? [] : scrapeMetrics(this.#scrape)));
    r.register(() => discoveryMetrics([this.#discovery, this.#notifyDiscovery], sdMetrics));
    r.register(() => (this.#ruleManager === undefined ? [] : ruleMetrics(this.#ruleManager)));
    r.register(() => (this.#notifier === undefined ? [] : notifierMetrics(this.#notifier)));
  }

  /**
   * Graceful shutdown: not ready any more, discovery and scraping stop (no stale markers, as
   * Prometheus), the web server closes, the TSDB flushes and closes. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#ready = false;
      this.#notifications.add(SHUTTING_DOWN);
      this.#log.log('warn', 'Received an OS signal or /-/quit, exiting gracefully...');
      this.#stopDiscovery.abort();
      await this.#discovery?.stop();
      await this.#notifyDiscovery?.stop();
      // Prometheus's order: discovery, the rule manager, scraping, the web server, the notifier
      // (which sends what the last evaluations queued), the TSDB.
      if (this.#ruleManager !== undefined) {
        await this.#ruleManager.stop();
        this.#log.log('info', 'Rule manager stopped');
      }
      await this.#scrape?.stop();
      await this.#scrapeRunning;
      this.#log.log('info', 'Scrape manager stopped');
      this.#notifications.close(); // Live notification streams end, or their connections hold the close.
      await this.#web.close();
      await this.#writeHandler?.close();
      await Promise.allSettled(this.#remoteReads.map((q) => q.close()));
      await this.#notifier?.stop();
      await this.#notifierRunning;
      // The queues send what they hold (up to --storage.remote.flush-deadline) and keep their place.
      await this.#writeStorage?.close();
      await this.#db?.close();
      await this.#agentDB?.close();
      this.#process.stop();
      this.#log.log('info', 'See you next time!');
    })();
    return this.#stopped;
  }
}

/** Prometheus: util/notifications's metrics. */
function notificationMetrics(n: Notifications): MetricFamily[] {
  return [
    single(
      'prometheus_api_notification_active_subscribers',
      'The current number of active notification subscribers.',
      'gauge',
      n.activeSubscribers,
    ),
    single(
      'prometheus_api_notification_updates_sent_total',
      'Total number of notification updates sent.',
      'counter',
      n.updatesSent,
    ),
    single(
      'prometheus_api_notification_updates_dropped_total',
      'Total number of notification updates dropped.',
      'counter',
      n.updatesDropped,
    ),
  ];
}

/** Prometheus: the route prefix, from --web.route-prefix or the external URL's path ('' for `/`). */
function routePrefix(s: ServerSettings): string {
  const p = (s.routePrefix ?? s.externalURL?.pathname ?? '').replace(/^\/+|\/+$/g, '');
  return p === '' ? '' : `/${p}`;
}

/** The external URL as Prometheus prints it in links (no trailing `/`). */
function externalURLString(u: URL): string {
  return u.toString().replace(/\/$/, '');
}

/** Node's file system for rule file globs. */
const nodeGlobFS: GlobFS = {
  exists: async (path) => {
    try {
      await lstat(path);
      return true;
    } catch {
      return false; // Go's filepath.Glob skips what it cannot stat.
    }
  },
  readdir: (path) => readdir(path),
};

/**
 * Prometheus config.LoadFile in agent mode: the sections an agent cannot serve are refused (the
 * configuration does not load: exit 2 at start, a failed reload later).
 */
function checkAgentConfig(c: Config): void {
  if (c.alerting.alertmanagers.length > 0 || c.alerting.alertRelabelConfigs.length > 0) {
    throw new Error('field alerting is not allowed in agent mode');
  }
  if (c.ruleFiles.length > 0) throw new Error('field rule_files is not allowed in agent mode');
  if (c.remoteRead.length > 0) throw new Error('field remote_read is not allowed in agent mode');
}
