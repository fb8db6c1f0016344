// Prometheus: cmd/promtool/main.go CheckConfig, checkConfig, checkFileExists, checkTLSConfig,
// checkSDFile, checkTargetGroupsForScrapeConfig (`promtool check config`). Loads each configuration
// as Prometheus 3 does, then (unless --syntax-only) checks the files it names: rule files, scrape
// config files, credential and TLS files, file_sd files. The targets of static configs (always) and
// of file_sd files (unless --syntax-only) must make targets under their job's relabeling, as the
// scrape pool makes them. Then each rule file it names is checked as `check rules` checks it
// (with --lint and --lint-fatal). Prints promtool's lines and exits as `check rules` does.
import { stat } from 'node:fs/promises';
import {
  type Config,
  ConfigError,
  glob,
  type HTTPClientConfig,
  loadConfigFile,
  loadScrapeConfigFiles,
  type ScrapeConfig,
  type ServiceDiscoveryConfig,
} from '@tsprom/config';
import { FileSDConfig, newSDRegistry, parseTargetGroup, type TargetGroup } from '@tsprom/discovery';
import { readTargetGroupFile } from '@tsprom/discovery/file';
import { LabelsBuilder } from '@tsprom/labels';
import { targetsFromGroup } from '@tsprom/scrape';
import { checkExistingFiles } from '../existing-files.js';
import { type Command, type CommandIO, UsageError } from '../command.js';
import { nodeGlobFS } from '../glob-fs.js';
import { checkRuleFiles, exitCode, type LintConfig, parseLintFlags } from './check-rules.js';

interface CheckConfigArgs {
  files: string[];
  syntaxOnly: boolean;
  agent: boolean;
  lint: LintConfig;
}

function parseArgs(argv: string[], io: CommandIO): CheckConfigArgs {
  const { lint, rest: args } = parseLintFlags(argv, io);
  const out: CheckConfigArgs = { files: [], syntaxOnly: false, agent: false, lint };
  for (const a of args) {
    if (a === '--syntax-only') out.syntaxOnly = true;
    else if (a === '--agent') out.agent = true;
    else if (a.startsWith('--')) throw new UsageError(`unknown long flag '${a}'`);
    else out.files.push(a);
  }
  if (out.files.length === 0) throw new UsageError("required argument 'config-files' not provided");
  return out;
}

/** Go's *PathError text for a failed stat: `stat prometheus.yml: no such file or directory`. */
function statError(file: string, err: unknown): string {
  const code = (err as { code?: string }).code;
  const reason: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    ENOTDIR: 'not a directory',
  };
  return `stat ${file}: ${(code !== undefined && reason[code]) || (err instanceof Error ? err.message : String(err))}`;
}

/** Prometheus checkFileExists: nothing set is fine; otherwise the file must stat. */
async function fileExists(file: string): Promise<string | undefined> {
  if (file === '') return undefined;
  try {
    await stat(file);
    return undefined;
  } catch (err) {
    return statError(file, err);
  }
}

/** A check that failed: promtool prints `  FAILED: <message>`. */
class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

/** What the YAML loader reported, as `parsing YAML file <file>: <line>:<col>: <path>: <reason>`. */
function loadErrorText(file: string, err: ConfigError): string {
  const where = [err.line > 0 ? `${err.line}:${err.column}` : '', err.path].filter((s) => s !== '').join(': ');
  return `parsing YAML file ${file}: ${where === '' ? '' : `${where}: `}${err.reason}`;
}

async function checkHTTPFiles(h: HTTPClientConfig): Promise<void> {
  const cred = h.authorization?.credentialsFile ?? '';
  const credErr = await fileExists(cred);
  if (credErr !== undefined) {
    throw new CheckFailed(
      `error checking authorization credentials or bearer token file ${JSON.stringify(cred)}: ${credErr}`,
    );
  }
  const tls = h.tlsConfig;
  if (tls.certFile !== '' && tls.keyFile === '') {
    throw new CheckFailed(`client cert file ${JSON.stringify(tls.certFile)} specified without client key file`);
  }
  if (tls.keyFile !== '' && tls.certFile === '') {
    throw new CheckFailed(`client key file ${JSON.stringify(tls.keyFile)} specified without client cert file`);
  }
  const certErr = await fileExists(tls.certFile);
  if (certErr !== undefined)
    throw new CheckFailed(`error checking client cert file ${JSON.stringify(tls.certFile)}: ${certErr}`);
  const keyErr = await fileExists(tls.keyFile);
  if (keyErr !== undefined)
    throw new CheckFailed(`error checking client key file ${JSON.stringify(tls.keyFile)}: ${keyErr}`);
}

/**
 * Prometheus checkTargetGroupsForScrapeConfig: each target must make a target (or be dropped) under
 * the job's relabeling; the first that cannot fails the check with the scrape pool's message.
 */
function checkTargetGroups(groups: readonly TargetGroup[], sc: ScrapeConfig): void {
  const lb = new LabelsBuilder();
  for (const tg of groups) {
    const { failures } = targetsFromGroup(tg, sc, lb);
    if (failures.length > 0) throw new CheckFailed(failures[0]!.message);
  }
}

/**
 * The file_sd files of `sds`: each matching file must parse; a pattern matching none is a warning.
 * With `sc`, their targets are checked against the job (promtool's checkSDFile reads a file's groups
 * as they are written: no source, no `__meta_filepath`).
 */
async function checkFileSD(
  sds: readonly ServiceDiscoveryConfig[],
  where: string,
  io: CommandIO,
  sc?: ScrapeConfig,
): Promise<void> {
  for (const sd of sds) {
    if (!(sd.config instanceof FileSDConfig)) continue;
    for (const pattern of sd.config.files) {
      const files = await glob(pattern, nodeGlobFS);
      if (files.length === 0) {
        io.stdout(`  WARNING: file ${JSON.stringify(pattern)} for file_sd in ${where} does not exist\n`);
        continue;
      }
      for (const f of files) {
        let groups: TargetGroup[];
        try {
          groups = await readTargetGroupFile(f);
        } catch (err) {
          throw new CheckFailed(
            `checking SD file ${JSON.stringify(pattern)}: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        if (sc === undefined) continue;
        checkTargetGroups(
          groups.map((g) => {
            const { __meta_filepath: _, ...labels } = g.labels;
            return { targets: g.targets, labels, source: '' };
          }),
          sc,
        );
      }
    }
  }
}

/** The groups of a job's static configs, sourced by their index as the discovery Manager numbers them. */
function staticGroups(sds: readonly ServiceDiscoveryConfig[]): TargetGroup[] {
  return sds.filter((sd) => sd.key === 'static_configs').map((sd, i) => parseTargetGroup(sd.config, String(i)));
}

/** Prometheus checkConfig: loads `file` and checks what it references; returns the rule files. */
async function checkConfig(file: string, args: CheckConfigArgs, io: CommandIO): Promise<string[]> {
  io.stdout(`Checking ${file}\n`);
  const sdLoader = newSDRegistry();
  let cfg: Config;
  try {
    cfg = await loadConfigFile(file, { agentMode: args.agent, sdLoader, env: (n) => process.env[n] });
  } catch (err) {
    if (err instanceof ConfigError) throw new CheckFailed(loadErrorText(file, err));
    throw err;
  }
  const ruleFiles: string[] = [];
  if (!args.syntaxOnly) {
    for (const rf of cfg.ruleFiles) {
      const matches = await glob(rf, nodeGlobFS);
      // An explicit file (no `*`) must exist.
      if (!rf.includes('*')) {
        if (matches.length === 0) throw new CheckFailed(`${JSON.stringify(rf)} does not point to an existing file`);
        const e = await fileExists(matches[0]!);
        if (e !== undefined) throw new CheckFailed(`error checking rule file ${JSON.stringify(matches[0])}: ${e}`);
      }
      ruleFiles.push(...matches);
    }
  }
  let scrapeConfigs = cfg.scrapeConfigs;
  if (!args.syntaxOnly) {
    try {
      scrapeConfigs = await loadScrapeConfigFiles(cfg, { sdLoader });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      throw new CheckFailed(`error loading scrape configs: ${err.message}`);
    }
  }
  for (const sc of scrapeConfigs) {
    if (!args.syntaxOnly) {
      await checkHTTPFiles(sc.httpClientConfig);
      await checkFileSD(sc.serviceDiscoveryConfigs, `scrape job ${JSON.stringify(sc.jobName)}`, io, sc);
    }
    // Static targets are checked with --syntax-only too, as promtool does (after the file_sd ones).
    checkTargetGroups(staticGroups(sc.serviceDiscoveryConfigs), sc);
  }
  if (!args.syntaxOnly) {
    for (const am of cfg.alerting.alertmanagers)
      await checkFileSD(am.serviceDiscoveryConfigs, 'alertmanager config', io);
  }
  return ruleFiles;
}

async function run(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, io);
  await checkExistingFiles(args.files);
  let failed = false;
  let hasErrors = false;
  for (const f of args.files) {
    let ruleFiles: string[] = [];
    try {
      ruleFiles = await checkConfig(f, args, io);
      if (ruleFiles.length > 0) io.stdout(`  SUCCESS: ${ruleFiles.length} rule files found\n`);
      io.stdout(` SUCCESS: ${f} is valid prometheus config file syntax\n`);
    } catch (err) {
      if (!(err instanceof CheckFailed)) throw err;
      io.stderr(`  FAILED: ${err.message}\n`);
      failed = true;
      hasErrors = true;
    }
    io.stdout('\n');
    // Then the rule files the configuration names, as `check rules` checks them.
    const rules = await checkRuleFiles(ruleFiles, args.lint, io);
    failed ||= rules.failed;
    hasErrors ||= rules.hasErrors;
  }
  return exitCode(failed, hasErrors, args.lint);
}

export const checkConfigCommand: Command = {
  path: 'check config',
  summary: 'Check if the config files are valid or not.',
  usage: '[<flags>] <config-files>...',
  flags: [
    {
      flag: '--syntax-only',
      help: 'Only check the config file syntax, ignoring file and content validation referenced in the config',
    },
    { flag: '--agent', help: 'Check config file for Prometheus in Agent mode.' },
    {
      flag: '--lint="duplicate-rules"',
      help: 'Linting checks to apply to the rules specified in the config. Available options are: all, duplicate-rules, none. Use --lint=none to disable linting',
    },
    { flag: '--lint-fatal', help: 'Make lint errors exit with exit code 3.' },
  ],
  args: [{ arg: '<config-files>', help: 'The config files to check.' }],
  run,
};
