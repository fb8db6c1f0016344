// The web configuration file's parsing and checks that need no file, with exporter-toolkit's
// messages (promtool check web-config prints them; apps/promtool compares with promtool 2.42).
import { describe, expect, it } from 'vitest';
import { checkBcryptHash, parseWebConfig, validateWebConfig, WebConfigError } from './web-config.js';

const HASH = '$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi';

describe('parseWebConfig', () => {
  it('reads every field with exporter-toolkit defaults and paths joined onto the file directory', () => {
    const c = parseWebConfig(
      `tls_server_config:\n  cert_file: tls/cert.pem\n  key_file: /abs/key.pem\n  client_allowed_sans: [a, b]\nhttp_server_config:\n  headers:\n    X-Frame-Options: sameorigin\nbasic_auth_users:\n  alice: ${HASH}\n`,
      '/etc/prom',
    );
    expect(c.tls).toMatchObject({
      certFile: '/etc/prom/tls/cert.pem',
      keyFile: '/abs/key.pem',
      clientCAFile: '',
      clientAllowedSans: ['a', 'b'],
      minVersion: 'TLS12',
      maxVersion: 'TLS13',
      preferServerCipherSuites: true,
    });
    expect(c.http2).toBe(true);
    expect([...c.headers]).toEqual([['X-Frame-Options', 'sameorigin']]);
    expect([...c.users]).toEqual([['alice', HASH]]);
    expect(parseWebConfig('', '.').users.size).toBe(0);
  });

  it.each([
    [
      'foo: 1\nbar: 2\n',
      'yaml: unmarshal errors:\n  line 1: field foo not found in type web.Config\n  line 2: field bar not found in type web.Config',
    ],
    [
      'basic_auth_users: 3\n',
      'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `3` into map[string]config.Secret',
    ],
    ['tls_server_config: [a]\n', 'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into web.TLSConfig'],
    ['tls_server_config:\n  max_version: TLS14\n', 'unknown TLS version: TLS14'],
    ['http_server_config:\n  headers:\n    Server: x\n', 'HTTP header "Server" can not be configured'],
  ])('rejects %j', (text, msg) => {
    expect(() => parseWebConfig(text, '.')).toThrow(WebConfigError);
    expect(() => parseWebConfig(text, '.')).toThrow(msg);
  });
});

describe('validateWebConfig', () => {
  it('checks TLS in exporter-toolkit order: paths, key pair, client auth policy', () => {
    const pair: string[] = [];
    const load = (c: string, k: string): void => void pair.push(c, k);
    expect(validateWebConfig('', '.', load).clientAuth).toBeUndefined();
    expect(() => validateWebConfig('tls_server_config:\n  client_ca_file: ca\n', '.', load)).toThrow(
      'missing cert_file',
    );
    const ok = validateWebConfig(
      'tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: RequireClientCert\n',
      'd',
      load,
    );
    expect([ok.clientAuth, pair]).toEqual(['RequireAnyClientCert', ['d/c', 'd/k']]);
    expect(() =>
      validateWebConfig('tls_server_config:\n  cert_file: c\n  key_file: k\n  client_ca_file: ca\n', '.', load),
    ).toThrow("Client CA's have been configured without a Client Auth Policy");
  });
});

describe('checkBcryptHash', () => {
  it('returns the cost of a hash and rejects what Go bcrypt.Cost rejects', () => {
    expect(checkBcryptHash(HASH)).toBe(10);
    expect(() => checkBcryptHash('short')).toThrow('crypto/bcrypt: hashedSecret too short to be a bcrypted password');
    expect(() => checkBcryptHash(`$3${HASH.slice(2)}`)).toThrow(
      "version '3' requested is newer than current version '2'",
    );
    expect(() => checkBcryptHash(HASH.replace('$10$', '$32$'))).toThrow(
      'crypto/bcrypt: cost 32 is outside allowed range (4,31)',
    );
  });
});
