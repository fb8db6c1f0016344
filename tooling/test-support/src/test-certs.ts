// A certificate authority and a server certificate made with openssl, for tests that serve TLS on
// 127.0.0.1: the client verifies the server with the CA (`tls_config.ca_file`).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The files {@link makeTestCerts} wrote, and the server's certificate and key as PEM text. */
export interface TestCerts {
  /** The CA's certificate file (PEM). */
  readonly caFile: string;
  /** The server certificate file (PEM), signed by the CA. */
  readonly certFile: string;
  /** The server's private key file (PEM, unencrypted). */
  readonly keyFile: string;
  /** The CA's certificate (PEM). */
  readonly ca: string;
  /** The server certificate (PEM). */
  readonly cert: string;
  /** The server's private key (PEM). */
  readonly key: string;
}

/** Whether openssl runs here; throws when it does not and `CI` is set (tests must not skip there). */
export function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch (err) {
    if (process.env.CI) throw new Error('openssl is missing (required when CI is set)', { cause: err });
    return false;
  }
}

/**
 * Writes into `dir` a CA (`ca.pem`, `ca.key`) and a server certificate it signs (`srv.pem`,
 * `srv.key`) valid for 2 days, for the DNS names `dnsNames` (default `['server.test']`) and the IP
 * 127.0.0.1. Returns undefined when openssl is missing (and `CI` is not set: then it throws).
 */
export function makeTestCerts(dir: string, dnsNames: readonly string[] = ['server.test']): TestCerts | undefined {
  if (!haveOpenssl()) return undefined;
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=test-ca',
  );
  const cn = dnsNames[0] ?? 'server.test';
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', `/CN=${cn}`);
  const sans = [...dnsNames.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',');
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${sans}\n`);
  run(
    'x509',
    '-req',
    '-in',
    'srv.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'srv.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  );
  const caFile = join(dir, 'ca.pem');
  const certFile = join(dir, 'srv.pem');
  const keyFile = join(dir, 'srv.key');
  return {
    caFile,
    certFile,
    keyFile,
    ca: readFileSync(caFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    key: readFileSync(keyFile, 'utf8'),
  };
}
