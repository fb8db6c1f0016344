// The `tsprom` command: flags, --help, --version, the server's start, SIGHUP reloads and
// SIGTERM/SIGINT (or /-/quit) graceful shutdown. Exit codes as Prometheus: 0 after a clean
// shutdown, 1 on a failure, 2 on bad flags or a configuration that does not load at start, 3 on
// flags of the other mode (server-only flags with --agent, agent-only flags without).
import { WebConfigError } from '@tsprom/config';
import { buildInfo, versionText } from './build-info.js';
import { FlagError, helpText, modeFlagError, parseFlags } from './flags.js';
import { isLogLevel, newLogger } from './logger.js';
import { ConfigLoadError, Server } from './server.js';
import { readSettings, SettingsError } from './server-options.js';

/**
 * Runs the server until a signal or /-/quit stops it; resolves with the exit code. Registers
 * SIGHUP, SIGTERM and SIGINT handlers for its lifetime.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(argv);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    process.stderr.write(`Error parsing command line arguments: ${err.message}\n`);
    process.stderr.write(helpText('tsprom'));
    return 2;
  }
  if (flags.help) {
    process.stdout.write(helpText('tsprom'));
    return 0;
  }
  const build = buildInfo();
  if (flags.version) {
    process.stdout.write(`${versionText(build)}\n`);
    return 0;
  }
  const wrongMode = modeFlagError(flags);
  if (wrongMode !== undefined) {
    // Prometheus prints it without a newline and exits with 3.
    process.stderr.write(`${wrongMode}\n`);
    return 3;
  }
  const level = flags.get('log.level');
  const format = flags.get('log.format');
  if (!isLogLevel(level)) {
    process.stderr.write(`Error parsing command line arguments: unrecognized log level ${JSON.stringify(level)}\n`);
    return 2;
  }
  if (format !== 'logfmt' && format !== 'json') {
    process.stderr.write(`Error parsing command line arguments: unrecognized log format ${JSON.stringify(format)}\n`);
    return 2;
  }
  const logger = newLogger(level, format);
  let settings: ReturnType<typeof readSettings>;
  try {
    settings = readSettings(flags);
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    logger.log('error', err.message);
    return 1;
  }
  for (const w of settings.warnings) logger.log('warn', w);

  let quit!: () => void;
  const quitting = new Promise<void>((resolve) => {
    quit = resolve;
  });
  const onTerm = (): void => quit();
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onTerm);
  let server: Server | undefined;
  const onHup = (): void => {
    // Failures are logged by reload and shown by prometheus_config_last_reload_successful.
    server?.reload().catch(() => undefined);
  };
  process.on('SIGHUP', onHup);
  try {
    try {
      server = await Server.start({ settings: settings.settings, flags, logger, build, onQuit: quit });
    } catch (err) {
      if (err instanceof ConfigLoadError) {
        logger.log('error', err.message);
        return 2;
      }
      if (err instanceof WebConfigError) {
        logger.log('error', 'Unable to validate web configuration file', { err: err.message });
        return 1;
      }
      logger.log('error', 'Error starting tsprom', { err });
      return 1;
    }
    await quitting;
    await server.stop();
    return 0;
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onTerm);
    process.off('SIGHUP', onHup);
  }
}
