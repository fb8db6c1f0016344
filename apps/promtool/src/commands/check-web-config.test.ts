// `tspromtool check web-config` against Debian's `promtool check web-config` (2.42): the same
// lines on standard error and the same exit code, for valid files and for each kind of mistake
// exporter-toolkit reports (unknown fields, wrong types, bcrypt hashes, TLS files and policies,
// versions, ciphers, curves, headers). Certificates are generated with openssl. One difference with
// 2.42, left out here: `client_allowed_sans` is known (exporter-toolkit added it after 2.42;
// Prometheus 3 and its documentation have it), where 2.42 reports an unknown field.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

const PROMTOOL = '/usr/bin/promtool';
const have = existsSync(PROMTOOL);
if (!have && process.env.CI) throw new Error(`${PROMTOOL} is missing (required when CI is set)`);

const HASH = '$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi';
const TLS = 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n';

const files: Record<string, string> = {
  'ok.yml': `basic_auth_users:\n  alice: ${HASH}\n  bob: ${HASH}\n`,
  'empty.yml': '',
  'unknown.yml': 'foo: 1\nbasic_auth_users:\n  a: b\n',
  'unknown-tls.yml': `${TLS}  bar: 2\n`,
  'unknown-http.yml': 'http_server_config:\n  http3: true\n',
  'short-hash.yml': 'basic_auth_users:\n  alice: notahash\n',
  'prefix-hash.yml': `basic_auth_users:\n  alice: x${HASH.slice(1)}\n`,
  'cost-hash.yml': `basic_auth_users:\n  alice: ${HASH.replace('$10$', '$03$')}\n`,
  'users-type.yml': 'basic_auth_users: 3\n',
  'http2-type.yml': 'http_server_config:\n  http2: maybe\n',
  'no-key.yml': 'tls_server_config:\n  cert_file: cert.pem\n',
  'no-cert.yml': 'tls_server_config:\n  key_file: key.pem\n',
  'missing-cert.yml': 'tls_server_config:\n  cert_file: nope.pem\n  key_file: key.pem\n',
  'mismatch.yml': 'tls_server_config:\n  cert_file: cert.pem\n  key_file: other.key\n',
  'tls-ok.yml': `${TLS}  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: cert.pem\n  min_version: TLS13\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]\n  curve_preferences: [CurveP256, X25519]\nhttp_server_config:\n  http2: false\n  headers:\n    X-Content-Type-Options: nosniff\n    Strict-Transport-Security: max-age=31536000\n`,
  'bad-auth.yml': `${TLS}  client_auth_type: Foo\n`,
  'ca-no-auth.yml': `${TLS}  client_ca_file: cert.pem\n`,
  'auth-no-cert.yml': 'tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert\n',
  'bad-version.yml': `${TLS}  min_version: TLS9\n`,
  'bad-cipher.yml': `${TLS}  cipher_suites: [FOO]\n`,
  'bad-curve.yml': `${TLS}  curve_preferences: [FOO]\n`,
  'bad-header.yml': 'http_server_config:\n  headers:\n    X-Foo: bar\n',
  'bad-header-value.yml': 'http_server_config:\n  headers:\n    X-Frame-Options: allow\n',
};

describe.runIf(have)('tspromtool check web-config matches promtool 2.42', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-check-web-config-'));
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'];
    execFileSync('openssl', ['req', '-x509', ...ec, '-keyout', 'key.pem', '-out', 'cert.pem', '-subj', '/CN=a'], {
      cwd: dir,
      stdio: 'pipe',
    });
    execFileSync('openssl', ['req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.crt', '-subj', '/CN=b'], {
      cwd: dir,
      stdio: 'pipe',
    });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  async function both(args: string[]): Promise<void> {
    const theirs = spawnSync(PROMTOOL, args, { encoding: 'utf8', cwd: dir });
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
    expect({ code, out: out.join(''), err: err.join('').replace('tspromtool:', 'promtool:') }).toEqual({
      code: theirs.status,
      out: theirs.stdout,
      err: theirs.stderr,
    });
  }

  it.each(Object.keys(files))('%s', async (file) => {
    await both(['check', 'web-config', join(dir, file)]);
  });

  it('checks several files and fails when one fails', async () => {
    await both(['check', 'web-config', ...['ok.yml', 'bad-auth.yml', 'tls-ok.yml'].map((f) => join(dir, f))]);
  });

  it('refuses a file that does not exist before checking anything', async () => {
    await both(['check', 'web-config', join(dir, 'ok.yml'), join(dir, 'nope.yml')]);
  });
});
