import { configToYAML, loadConfig } from '@tsprom/config';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { type KubernetesSDConfig, KubernetesSDConfigError, kubernetesSD } from './kubernetes-sd-config.js';
import { newSDRegistry } from './registry.js';

const parseEntry = (raw: unknown, baseDir?: string) => kubernetesSD.parse(raw, { baseDir }) as KubernetesSDConfig;

describe('kubernetes_sd_configs entries', () => {
  it.each([
    [{}, 'role missing (one of: pod, service, endpoints, endpointslice, node, ingress)'],
    [{ role: 'deployment' }, 'unknown Kubernetes SD role "deployment"'],
    [
      { role: 'pod', api_server: 'http://a', kubeconfig_file: 'k' },
      "cannot use 'kubeconfig_file' and 'api_server' simultaneously",
    ],
    [
      { role: 'pod', kubeconfig_file: 'k', bearer_token: 't' },
      "cannot use a custom HTTP client configuration together with 'kubeconfig_file'",
    ],
    [
      { role: 'pod', tls_config: { insecure_skip_verify: true } },
      "to use custom HTTP client configuration please provide the 'api_server' URL explicitly",
    ],
    [
      { role: 'pod', api_server: 'http://a', namespaces: { own_namespace: true } },
      "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously",
    ],
    [
      { role: 'pod', kubeconfig_file: 'k', namespaces: { own_namespace: true } },
      "cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously",
    ],
    [{ role: 'pod', selectors: [{ role: 'service', label: 'a=b' }] }, 'pod role supports only pod, node selectors'],
    [
      { role: 'endpoints', selectors: [{ role: 'node' }] },
      'endpoints role supports only pod, service, endpoints selectors',
    ],
    [{ role: 'node', selectors: [{ role: 'node' }, { role: 'node' }] }, 'duplicated selector role: node'],
    [{ role: 'pod', selectors: [{ role: 'pod', field: 'spec.nodeName' }] }, 'invalid field selector "spec.nodeName"'],
    [{ role: 'pod', selectors: [{ role: 'pod', label: 'a=b,=c' }] }, 'invalid label selector "a=b,=c"'],
    [{ role: 'pod', api_server: 'ftp://a' }, 'the scheme must be http or https'],
    [
      { role: 'pod', api_server: 'http://a', bearer_token: 'a', bearer_token_file: 'b' },
      'at most one of bearer_token & bearer_token_file',
    ],
    [{ role: 'pod', api_server: 'http://a', oauth2: { client_id: 'c' } }, 'oauth2 token_url must be configured'],
    [
      { role: 'pod', api_server: 'http://a', tls_config: { ca_file: 'a', ca: 'b' } },
      'tls_config: at most one of ca and ca_file must be configured',
    ],
    [
      { role: 'pod', proxy_url: 'http://proxy:3128' },
      "to use custom HTTP client configuration please provide the 'api_server' URL explicitly",
    ],
    [
      { role: 'pod', attach_metadata: { deployment: true } },
      "attach_metadata: deployment is not supported by tsprom's",
    ],
    [{ role: 'pod', namespace: ['a'] }, 'field namespace not found in type kubernetes.plain'],
  ])('refuses %j', (raw, msg) => {
    expect(() => parseEntry(raw)).toThrow(KubernetesSDConfigError);
    expect(() => parseEntry(raw)).toThrow(msg);
  });

  it('accepts selectors in the syntax of the API', () => {
    const c = parseEntry({
      role: 'endpoints',
      selectors: [
        { role: 'pod', label: 'app in (web, api),tier!=db,!legacy,canary', field: 'status.phase=Running' },
        { role: 'endpoints', field: 'metadata.name!=kubernetes,metadata.namespace==default' },
      ],
    });
    expect(c.fields.selectors).toHaveLength(2);
  });

  it('turns bearer_token_file into authorization and resolves file names against the config directory', () => {
    const c = parseEntry(
      { role: 'node', api_server: 'https://k8s:6443', bearer_token_file: 'token', tls_config: { ca_file: 'ca.crt' } },
      '/etc/prometheus',
    );
    expect(c.fields.http.authorization).toEqual({
      type: 'Bearer',
      credentials: undefined,
      credentialsFile: '/etc/prometheus/token',
    });
    expect(c.fields.http.tlsConfig.caFile).toBe('/etc/prometheus/ca.crt');
    expect(parseEntry({ role: 'pod', kubeconfig_file: 'kube/config' }, '/etc/p').fields.kubeconfigFile).toBe(
      '/etc/p/kube/config',
    );
  });

  it('reports a bad entry with its file and line through the config loader', () => {
    const text = [
      'scrape_configs:',
      '  - job_name: k',
      '    kubernetes_sd_configs:',
      '      - role: pod',
      '      - role: pods',
    ].join('\n');
    expect(() => loadConfig(text, { sdLoader: newSDRegistry(), file: 'prometheus.yml' })).toThrow(
      /^prometheus\.yml:5:9: .*kubernetes_sd_configs\[1\]: unknown Kubernetes SD role "pods"$/,
    );
  });

  it('renders as Prometheus renders it: defaults filled, secrets hidden, empty parts left out', () => {
    const text = [
      'scrape_configs:',
      '  - job_name: k',
      '    kubernetes_sd_configs:',
      '      - role: pod',
      '      - role: endpoints',
      '        api_server: https://k8s.example:6443',
      '        bearer_token: s3cret',
      '        tls_config: {ca_file: /etc/k8s/ca.crt, server_name: k8s}',
      '        namespaces: {names: [a, b]}',
      '        selectors: [{role: pod, label: app=web}]',
      '        attach_metadata: {node: true}',
    ].join('\n');
    const out = parse(configToYAML(loadConfig(text, { sdLoader: newSDRegistry() }))) as {
      scrape_configs: { kubernetes_sd_configs: unknown[] }[];
    };
    expect(out.scrape_configs[0]!.kubernetes_sd_configs).toEqual([
      { role: 'pod', kubeconfig_file: '', follow_redirects: true, enable_http2: true },
      {
        api_server: 'https://k8s.example:6443',
        role: 'endpoints',
        kubeconfig_file: '',
        authorization: { type: 'Bearer', credentials: '<secret>' },
        tls_config: { ca_file: '/etc/k8s/ca.crt', server_name: 'k8s', insecure_skip_verify: false },
        follow_redirects: true,
        enable_http2: true,
        namespaces: { own_namespace: false, names: ['a', 'b'] },
        selectors: [{ role: 'pod', label: 'app=web' }],
        attach_metadata: { node: true, namespace: false },
      },
    ]);
  });
});
