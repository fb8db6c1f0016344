// Prometheus: cmd/promtool/main.go CheckWebConfig with exporter-toolkit web.Validate
// (`promtool check web-config`): each file is parsed strictly, its users' bcrypt hashes and its
// TLS settings checked (the certificate and key must load as a pair); `<file> SUCCESS` or
// `<file> FAILED: <reason>` on standard error, exit 1 when one failed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import { validateWebConfig, WebConfigError } from '@tsprom/config';
import { type Command, type CommandIO, UsageError } from '../command.js';

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
};

/** Reads a file; a failure reads as Go's *PathError (`open x.pem: no such file or directory`). */
function read(path: string, prefix = ''): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    throw new WebConfigError(`${prefix}open ${path}: ${FS_REASONS[code] ?? (err as Error).message}`, { cause: err });
  }
}

/** Go's tls.LoadX509KeyPair as exporter-toolkit reports it. */
function loadKeyPair(certFile: string, keyFile: string): void {
  const prefix = 'failed to load X509KeyPair: ';
  const cert = read(certFile, prefix);
  const key = read(keyFile, prefix);
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    const msg = (err as Error).message;
    const reason = /key values mismatch/.test(msg) ? 'tls: private key does not match public key' : msg;
    throw new WebConfigError(`${prefix}${reason}`, { cause: err });
  }
}

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
      validateWebConfig(read(f), dirname(f), loadKeyPair);
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
