// Prometheus: cmd/prometheus/main.go flagConfig and its kingpin flags: the server's command line,
// with Prometheus's names, defaults and help, parsed as kingpin does (`--name=value`,
// `--name value`, `--[no-]bool`, repeatable flags).

/** One flag: its name without dashes, help, default and kind. */
export interface FlagDef {
  readonly name: string;
  readonly help: string;
  readonly default: string;
  readonly kind: 'string' | 'bool' | 'repeated';
  /** Placeholder in --help for flags without a default. */
  readonly placeholder?: string;
  /** Accepted, shown in status/flags, with no effect in tsprom yet. */
  readonly inert?: boolean;
  /** Left out of --help (Prometheus's hidden flags). */
  readonly hidden?: boolean;
}

const s = (name: string, def: string, help: string, extra: Partial<FlagDef> = {}): FlagDef => ({
  name,
  help,
  default: def,
  kind: 'string',
  ...extra,
});
const b = (name: string, def: boolean, help: string, extra: Partial<FlagDef> = {}): FlagDef => ({
  name,
  help,
  default: String(def),
  kind: 'bool',
  ...extra,
});

/** The flags tsprom knows, in Prometheus's --help order. */
export const FLAGS: readonly FlagDef[] = [
  s('config.file', 'prometheus.yml', 'Prometheus configuration file path.'),
  b('config.auto-reload', false, 'Enable automatic configuration file reloading.', { inert: true }),
  { ...s('web.listen-address', '0.0.0.0:9090', 'Address to listen on for UI, API, and telemetry.'), kind: 'repeated' },
  s('web.config.file', '', '[EXPERIMENTAL] Path to configuration file that can enable TLS or authentication.', {
    placeholder: '""',
  }),
  s('web.read-timeout', '5m', 'Maximum duration before timing out read of the request, and closing idle connections.'),
  s('web.max-connections', '512', 'Maximum number of simultaneous connections across all listeners.'),
  s(
    'web.max-notifications-subscribers',
    '16',
    'Limits the maximum number of subscribers that can concurrently receive live notifications. If the limit is reached, new subscription requests will be denied until existing connections close.',
  ),
  s(
    'web.external-url',
    '',
    'The URL under which Prometheus is externally reachable (for example, if Prometheus is served via a reverse proxy). Used for generating relative and absolute links back to Prometheus itself. If the URL has a path portion, it will be used to prefix all HTTP endpoints served by Prometheus. If omitted, relevant URL components will be derived automatically.',
    { placeholder: '<URL>' },
  ),
  s(
    'web.route-prefix',
    '',
    'Prefix for the internal routes of web endpoints. Defaults to path of --web.external-url.',
    {
      placeholder: '<path>',
    },
  ),
  b('web.enable-lifecycle', false, 'Enable shutdown and reload via HTTP request.'),
  b('web.enable-admin-api', false, 'Enable API endpoints for admin control actions.'),
  b('web.enable-remote-write-receiver', false, 'Enable API endpoint accepting remote write requests.'),
  {
    ...s(
      'web.remote-write-receiver.accepted-protobuf-messages',
      'prometheus.WriteRequest',
      'List of the remote write protobuf messages to accept when receiving the remote writes. Supported values: prometheus.WriteRequest, io.prometheus.write.v2.Request',
    ),
    kind: 'repeated',
  },
  b('web.enable-otlp-receiver', false, 'Enable API endpoint accepting OTLP write requests.'),
  s(
    'web.page-title',
    'Prometheus Time Series Collection and Processing Server',
    'Document title of Prometheus instance.',
    {
      inert: true,
    },
  ),
  s(
    'web.cors.origin',
    '.*',
    "Regex for CORS origin. It is fully anchored. Example: 'https?://(domain1|domain2)\\.com'",
  ),
  s('storage.tsdb.path', 'data/', 'Base path for metrics storage. Use with server mode only.'),
  s(
    'storage.tsdb.retention.time',
    '',
    'How long to retain samples in storage. If neither this flag nor "storage.tsdb.retention.size" is set, the retention time defaults to 15d. Units Supported: y, w, d, h, m, s, ms. Use with server mode only.',
    { placeholder: '<duration>' },
  ),
  s(
    'storage.tsdb.retention.size',
    '',
    'Maximum number of bytes that can be stored for blocks. A unit is required, supported units: B, KB, MB, GB, TB, PB, EB. Ex: "512MB". Based on powers-of-2, so 1KB is 1024B. Use with server mode only.',
    { placeholder: '<size>' },
  ),
  b('storage.tsdb.no-lockfile', false, 'Do not create lockfile in data directory. Use with server mode only.'),
  s('storage.agent.path', 'data-agent/', 'Base path for metrics storage. Use with agent mode only.'),
  s(
    'storage.agent.wal-segment-size',
    '',
    'Size at which to split WAL segment files. Example: 100MB Use with agent mode only.',
    {
      placeholder: '<bytes>',
      hidden: true,
    },
  ),
  b('storage.agent.wal-compression', true, 'Compress the agent WAL. Use with agent mode only.'),
  s(
    'storage.agent.wal-truncate-frequency',
    '2h',
    'The frequency at which to truncate the WAL and remove old data. Use with agent mode only.',
    { hidden: true },
  ),
  s(
    'storage.agent.retention.min-time',
    '5m',
    'Minimum age samples may be before being considered for deletion when the WAL is truncated Use with agent mode only.',
  ),
  s(
    'storage.agent.retention.max-time',
    '4h',
    'Maximum age samples may be before being forcibly deleted when the WAL is truncated Use with agent mode only.',
  ),
  b('storage.agent.no-lockfile', false, 'Do not create lockfile in data directory. Use with agent mode only.'),
  s('storage.remote.flush-deadline', '1m', 'How long to wait flushing sample on shutdown or config reload.'),
  s(
    'storage.remote.read-sample-limit',
    '5e7',
    'Maximum overall number of samples to return via the remote read interface, in a single query. 0 means no limit. This limit is ignored for streamed response types. Use with server mode only.',
  ),
  s(
    'storage.remote.read-concurrent-limit',
    '10',
    'Maximum number of concurrent remote read calls. 0 means no limit. Use with server mode only.',
  ),
  s(
    'storage.remote.read-max-bytes-in-frame',
    '1048576',
    'Maximum number of bytes in a single frame for streaming remote read response types before marshalling. Note that client might have limit on frame size as well. 1MB as recommended by protobuf by default. Use with server mode only.',
  ),
  s(
    'web.search.max-limit',
    '10000',
    'Hard upper bound on the "limit" query parameter accepted by the experimental search API (--enable-feature=search-api). Requests with a higher limit are rejected with HTTP 400. 0 disables the cap. Use with server mode only.',
  ),
  s(
    'rules.alert.for-outage-tolerance',
    '1h',
    'Max time to tolerate prometheus outage for restoring "for" state of alert. Use with server mode only.',
  ),
  s(
    'rules.alert.for-grace-period',
    '10m',
    'Minimum duration between alert and restored "for" state. This is maintained only for alerts with configured "for" time greater than grace period. Use with server mode only.',
  ),
  s(
    'rules.alert.resend-delay',
    '1m',
    'Minimum amount of time to wait before resending an alert to Alertmanager. Use with server mode only.',
  ),
  s(
    'rules.max-concurrent-evals',
    '4',
    'Global concurrency limit for independent rules that can run concurrently. When set, "query.max-concurrency" may need to be adjusted accordingly. Use with server mode only.',
    // The rule manager evaluates a group's rules one after another (no concurrent-rule-eval).
    { inert: true },
  ),
  s(
    'alertmanager.notification-queue-capacity',
    '10000',
    'The capacity of the queue for pending Alertmanager notifications. Use with server mode only.',
  ),
  s(
    'alertmanager.notification-batch-size',
    '256',
    'The maximum number of notifications per batch to send to the Alertmanager. Use with server mode only.',
  ),
  b(
    'alertmanager.drain-notification-queue-on-shutdown',
    true,
    'Send any outstanding Alertmanager notifications when shutting down. If false, any outstanding Alertmanager notifications will be dropped when shutting down. Use with server mode only.',
  ),
  s(
    'query.lookback-delta',
    '5m',
    'The maximum lookback duration for retrieving metrics during expression evaluations and federation. Use with server mode only.',
  ),
  s('query.timeout', '2m', 'Maximum time a query may take before being aborted. Use with server mode only.'),
  s('query.max-concurrency', '20', 'Maximum number of queries executed concurrently. Use with server mode only.'),
  s(
    'query.max-samples',
    '50000000',
    'Maximum number of samples a single query can load into memory. Note that queries will fail if they try to load more samples than this into memory, so this also limits the number of samples a query can return. Use with server mode only.',
  ),
  {
    ...s(
      'enable-feature',
      '',
      'Comma separated feature names to enable. Valid options: exemplar-storage, extra-scrape-metrics, promql-delayed-name-removal, promql-experimental-functions, promql-extended-range-selectors, promql-per-step-stats, search-api, xor2-encoding. See https://prometheus.io/docs/prometheus/latest/feature_flags/ for more details.',
      { placeholder: '...' },
    ),
    kind: 'repeated',
  },
  {
    ...s(
      'sd.package',
      '',
      'A service discovery package to load at startup (tsprom-sd-<name> or @<scope>/tsprom-sd-<name>), installed in node_modules next to the configuration file or the working directory. Repeatable. A *_sd_configs key no loaded mechanism provides loads tsprom-sd-<name> without this flag. tsprom only.',
      { placeholder: '<package>' },
    ),
    kind: 'repeated',
  },
  b('agent', false, "Run Prometheus in 'Agent mode'."),
  s('log.level', 'info', 'Only log messages with the given severity or above. One of: [debug, info, warn, error]'),
  s('log.format', 'logfmt', 'Output format of log messages. One of: [logfmt, json]'),
];

/** Parsed flag values: strings, with every value of repeated flags. */
export interface Flags {
  /** The value of a flag (the last one given, or its default). */
  get(name: string): string;
  /** Every value of a repeated flag (its default when none was given). */
  getAll(name: string): string[];
  /** Whether the flag was given on the command line. */
  given(name: string): boolean;
  /** Every flag and its value, as `status/flags` shows them. */
  all(): Record<string, string>;
  readonly help: boolean;
  readonly version: boolean;
}

/** A command line kingpin would refuse: Prometheus prints it and exits with 2. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
}

const BOOL_VALUES: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false };

/** Parses `argv` (without the program) against {@link FLAGS}. Throws FlagError as kingpin would. */
export function parseFlags(argv: readonly string[]): Flags {
  const byName = new Map(FLAGS.map((f) => [f.name, f]));
  const values = new Map<string, string[]>();
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // `pnpm start -- --flag` passes the `--` on: nothing follows that is not a flag, so it is skipped.
    if (arg === '--') continue;
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (arg === '--version') {
      version = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      throw new FlagError(arg.startsWith('-') ? `unknown short flag '${arg}'` : `unexpected ${arg}`);
    }
    const eq = arg.indexOf('=');
    let name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    let def = byName.get(name);
    if (def === undefined && name.startsWith('no-') && byName.get(name.slice(3))?.kind === 'bool') {
      name = name.slice(3);
      def = byName.get(name)!;
      if (value !== undefined) throw new FlagError(`unexpected value for flag '--no-${name}'`);
      value = 'false';
    }
    if (def === undefined) throw new FlagError(`unknown long flag '--${name}'`);
    if (def.kind === 'bool') {
      const v = BOOL_VALUES[value ?? 'true'];
      if (v === undefined) throw new FlagError(`invalid value ${JSON.stringify(value)} for flag '--${name}'`);
      values.set(name, [String(v)]);
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new FlagError(`expected argument for flag '--${name}'`);
    }
    const list = values.get(name) ?? [];
    list.push(value);
    values.set(name, def.kind === 'repeated' ? list : [value]);
  }
  return {
    help,
    version,
    get: (name) => {
      const v = values.get(name);
      return v === undefined ? (byName.get(name)?.default ?? '') : v[v.length - 1]!;
    },
    getAll: (name) => values.get(name) ?? (byName.get(name)?.default ? [byName.get(name)!.default] : []),
    given: (name) => values.has(name),
    all: () => {
      const out: Record<string, string> = {};
      for (const f of FLAGS) out[f.name] = (values.get(f.name) ?? [f.default]).join(',');
      return out;
    },
  };
}

/** The --help text, laid out as kingpin prints Prometheus's. */
export function helpText(program: string): string {
  const lines = [`usage: ${program} [<flags>]`, '', 'The Prometheus monitoring server', '', 'Flags:'];
  const rows: [string, string][] = [
    ['  -h, --[no-]help', 'Show context-sensitive help (also try --help-long and --help-man).'],
    ['      --[no-]version', 'Show application version.'],
  ];
  for (const f of FLAGS) {
    if (f.hidden === true) continue;
    let left: string;
    if (f.kind === 'bool') left = `      --[no-]${f.name}`;
    else if (f.default !== '')
      left = `      --${f.name}=${JSON.stringify(f.default)}${f.kind === 'repeated' ? ' ...' : ''}`;
    else left = `      --${f.name}=${f.placeholder ?? `<${f.name}>`}`;
    rows.push([left, f.help]);
  }
  const width = 32;
  for (const [left, help] of rows) {
    if (left.length < width) lines.push(`${left.padEnd(width)} ${help}`);
    else lines.push(left, `${' '.repeat(width)} ${help}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The flags of one mode only, by the help suffix Prometheus's serverOnlyFlag / agentOnlyFlag add. */
function flagMode(f: FlagDef): 'server' | 'agent' | undefined {
  if (f.help.endsWith('Use with server mode only.')) return 'server';
  if (f.help.endsWith('Use with agent mode only.')) return 'agent';
  return undefined;
}

/**
 * Prometheus main: flags of the other mode given on the command line. Returns the message
 * Prometheus prints before exiting with 3, or undefined when every flag fits the mode.
 */
export function modeFlagError(flags: Flags): string | undefined {
  const agent = flags.get('agent') === 'true';
  const wrong = FLAGS.filter((f) => flags.given(f.name) && flagMode(f) === (agent ? 'server' : 'agent')).map(
    (f) => `--${f.name}`,
  );
  if (wrong.length === 0) return undefined;
  const list = `[${wrong.map((n) => JSON.stringify(n)).join(' ')}]`;
  return agent
    ? `The following flag(s) can not be used in agent mode: ${list}`
    : `The following flag(s) can only be used in agent mode: ${list}`;
}
