// Prometheus: cmd/promtool/main.go CheckWebConfig with exporter-toolkit web.Validate
// (`promtool check web-config`): each file is parsed strictly, its users' bcrypt hashes and its
// TLS settings checked (the certificate and key must load as a pair); `<file> SUCCESS` or
// `<file> FAILED: <reason>` on standard error, exit 1 when one failed.
import { existsSync } from 'node:fs';
import { WebConfigError } from '@tsprom/config';
import { loadWebConfigFile } from '@tsprom/config/web-config-files';
import { type Command, type CommandIO, UsageError } from '../command.js';

async function run(args: string[], io: CommandIO): Promise<number> {
  const files: string[] = [];
  for (const a of args) {
    if (a.startsWith('--')) throw new UsageError(`unknown long flag '${a}'`);
    files.push(a);
  }
  if (files.length === 0) throw new UsageError("required argument 'web-config-files' not provided");
  // kingpin's ExistingFiles: checked before anything runs.
  for (const f of files) if (!existsSync(f)) throw new UsageError(`path '${f}' does not exist`);
  let failed = false;
  for (const f of files) {
    try {
      loadWebConfigFile(f);
      io.stderr(`${f} SUCCESS\n`);
    } catch (err) {
      if (!(err instanceof WebConfigError)) throw err;
      io.stderr(`${f} FAILED: ${err.message}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

export const checkWebConfig: Command = {
  path: 'check web-config',
  summary: 'Check if the web config files are valid or not.',
  usage: '<web-config-files>...',
  args: [{ arg: '<web-config-files>', help: 'The config files to check.' }],
  run,
};
