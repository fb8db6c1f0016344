// Prometheus's documentation/examples/prometheus.yml (the config its packages ship), which tsprom
// uses when no configuration file is given and ./prometheus.yml does not exist. It scrapes the
// server itself: at the address tsprom actually listens on.

/** The default configuration, scraping `selfTarget` (`localhost:9090` in Prometheus's). */
export function defaultConfigYAML(selfTarget: string): string {
  return `# my global config
global:
  scrape_interval: 15s # Set the scrape interval to every 15 seconds. Default is every 1 minute.
  evaluation_interval: 15s # Evaluate rules every 15 seconds. The default is every 1 minute.
  # scrape_timeout is set to the global default (10s).

# Alertmanager configuration
alerting:
  alertmanagers:
    - static_configs:
        - targets:
          # - alertmanager:9093

# Load rules once and periodically evaluate them according to the global 'evaluation_interval'.
rule_files:
  # - "first_rules.yml"
  # - "second_rules.yml"

# A scrape configuration containing exactly one endpoint to scrape:
# Here it's Prometheus itself.
scrape_configs:
  # The job name is added as a label \`job=<job_name>\` to any timeseries scraped from this config.
  - job_name: "prometheus"

    # metrics_path defaults to '/metrics'
    # scheme defaults to 'http'.

    static_configs:
      - targets: ["${selfTarget}"]
       # The label name is added as a label \`app=<app>\` to any timeseries scraped from this config.
        labels:
          app: "prometheus"
`;
}

/**
 * The default configuration of agent mode: the same global and scrape sections, without the
 * alerting and rule_files sections an agent refuses.
 */
export function defaultAgentConfigYAML(selfTarget: string): string {
  const yml = defaultConfigYAML(selfTarget);
  const from = yml.indexOf('# Alertmanager configuration');
  const to = yml.indexOf('# A scrape configuration');
  return yml.slice(0, from) + yml.slice(to);
}

/** The `host:port` a scrape of ourselves uses for a listen address (`0.0.0.0:9090` → `localhost:9090`). */
export function selfTarget(host: string, port: number): string {
  if (host === '' || host === '0.0.0.0' || host === '::' || host === '[::]') return `localhost:${port}`;
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}
