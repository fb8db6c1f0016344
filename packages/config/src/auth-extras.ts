// Prometheus: prometheus/sigv4 SigV4Config, storage/remote/azuread AzureADConfig and
// storage/remote/googleiam Config: the cloud authentication blocks of remote write and
// alertmanager configs. Their signers belong to the consumers; here they are read strictly and
// validated as Prometheus does.
import { Secret } from './secret.js';
import type { YamlReader, YamlValue } from './yaml-reader.js';

/** `sigv4`: sign requests with AWS Signature Version 4. */
export interface SigV4Config {
  readonly region: string;
  readonly accessKey: string;
  readonly secretKey: Secret | undefined;
  readonly profile: string;
  readonly roleArn: string;
  readonly externalId: string;
  readonly useFipsSTSEndpoint: boolean;
}

const SIGV4_KEYS: ReadonlySet<string> = new Set([
  'region',
  'access_key',
  'secret_key',
  'profile',
  'role_arn',
  'external_id',
  'use_fips_sts_endpoint',
]);

/** Loads a `sigv4` block (`sigv4: {}` means the AWS SDK's default credentials). */
export function loadSigV4Config(r: YamlReader, v: YamlValue): SigV4Config {
  const m = r.map(v, 'sigv4.SigV4Config', SIGV4_KEYS);
  const secret = r.str(m.get('secret_key')) ?? '';
  const c: SigV4Config = {
    region: r.str(m.get('region')) ?? '',
    accessKey: r.str(m.get('access_key')) ?? '',
    secretKey: secret === '' ? undefined : new Secret(secret),
    profile: r.str(m.get('profile')) ?? '',
    roleArn: r.str(m.get('role_arn')) ?? '',
    externalId: r.str(m.get('external_id')) ?? '',
    useFipsSTSEndpoint: r.bool(m.get('use_fips_sts_endpoint')) ?? false,
  };
  if ((c.accessKey === '') !== (c.secretKey === undefined)) {
    r.fail(v, 'must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config');
  }
  if (c.externalId !== '' && c.roleArn === '') r.fail(v, 'external_id can only be used with role_arn');
  return c;
}

/** `azuread`: authenticate remote write with Azure AD. One authentication method must be given. */
export interface AzureADConfig {
  /** `AzurePublic` (default), `AzureChina` or `AzureGovernment`. */
  readonly cloud: string;
  readonly managedIdentity: { readonly clientId: string } | undefined;
  readonly workloadIdentity:
    | { readonly clientId: string; readonly tenantId: string; readonly tokenFilePath: string }
    | undefined;
  readonly oauth:
    | { readonly clientId: string; readonly clientSecret: Secret | undefined; readonly tenantId: string }
    | undefined;
  readonly certificate:
    | {
        readonly clientId: string;
        readonly tenantId: string;
        readonly certificatePath: string;
        readonly certificateKeyPath: string;
        readonly certificatePassword: Secret | undefined;
        readonly sendCertificateChain: boolean;
      }
    | undefined;
  readonly sdk: { readonly tenantId: string } | undefined;
  /** Custom OAuth 2.0 scope; `''` for the cloud's monitoring scope. */
  readonly scope: string;
}

const AZURE_CLOUDS: ReadonlySet<string> = new Set(['AzurePublic', 'AzureChina', 'AzureGovernment']);

/** Loads an `azuread` block and checks that exactly one authentication method is configured. */
export function loadAzureADConfig(r: YamlReader, v: YamlValue): AzureADConfig {
  const m = r.map(
    v,
    'azuread.AzureADConfig',
    new Set(['cloud', 'managed_identity', 'workload_identity', 'oauth', 'certificate', 'sdk', 'scope']),
  );
  const sub = (key: string, keys: string[]) => {
    const sv = m.get(key);
    return sv.node === null ? undefined : r.map(sv, `azuread.${key}`, new Set(keys));
  };
  const secret = (s: string | undefined) => (s === undefined || s === '' ? undefined : new Secret(s));
  const mi = sub('managed_identity', ['client_id']);
  const wi = sub('workload_identity', ['client_id', 'tenant_id', 'token_file_path']);
  const oa = sub('oauth', ['client_id', 'client_secret', 'tenant_id']);
  const ce = sub('certificate', [
    'client_id',
    'tenant_id',
    'certificate_path',
    'certificate_key_path',
    'certificate_password',
    'send_certificate_chain',
  ]);
  const sd = sub('sdk', ['tenant_id']);
  const cloud = r.str(m.get('cloud')) || 'AzurePublic';
  if (!AZURE_CLOUDS.has(cloud)) r.fail(m.get('cloud'), `unknown cloud: ${cloud}`);
  const set = [mi, wi, oa, ce, sd].filter((x) => x !== undefined).length;
  if (set === 0) {
    r.fail(
      v,
      'must provide an Azure Managed Identity, Azure Workload Identity, Azure OAuth, Azure Certificate or Azure SDK in the Azure AD config',
    );
  }
  if (set > 1) r.fail(v, 'cannot provide multiple authentication methods in the Azure AD config');
  const s = (mm: NonNullable<typeof mi>, k: string) => r.str(mm.get(k)) ?? '';
  return {
    cloud,
    managedIdentity: mi && { clientId: s(mi, 'client_id') },
    workloadIdentity: wi && {
      clientId: s(wi, 'client_id'),
      tenantId: s(wi, 'tenant_id'),
      tokenFilePath: s(wi, 'token_file_path'),
    },
    oauth: oa && {
      clientId: s(oa, 'client_id'),
      clientSecret: secret(r.str(oa.get('client_secret'))),
      tenantId: s(oa, 'tenant_id'),
    },
    certificate: ce && {
      clientId: s(ce, 'client_id'),
      tenantId: s(ce, 'tenant_id'),
      certificatePath: s(ce, 'certificate_path'),
      certificateKeyPath: s(ce, 'certificate_key_path'),
      certificatePassword: secret(r.str(ce.get('certificate_password'))),
      sendCertificateChain: r.bool(ce.get('send_certificate_chain')) ?? false,
    },
    sdk: sd && { tenantId: s(sd, 'tenant_id') },
    scope: r.str(m.get('scope')) ?? '',
  };
}

/** `google_iam`: authenticate with a Google Cloud service account key. */
export interface GoogleIAMConfig {
  readonly credentialsFile: string;
}

/** Loads a `google_iam` block. */
export function loadGoogleIAMConfig(r: YamlReader, v: YamlValue): GoogleIAMConfig {
  const m = r.map(v, 'googleiam.Config', new Set(['credentials_file']));
  return { credentialsFile: r.str(m.get('credentials_file')) ?? '' };
}
