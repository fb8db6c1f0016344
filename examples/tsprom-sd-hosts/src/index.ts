// tsprom-sd-hosts: what tsprom loads. A service discovery package exports `mechanisms`.
import type { SDMechanism } from '@tsprom/discovery';
import { hostsSD } from './hosts-sd.js';

export { type HostsEntry, HostsFileError, parseHostsFile } from './hosts-file.js';
export {
  AliasesLabel,
  FileLabel,
  HostnameLabel,
  HostsDiscoverer,
  HostsSDConfig,
  HostsSDConfigError,
  hostsSD,
  LineLabel,
} from './hosts-sd.js';

/** The mechanisms of this package, registered by tsprom when it loads the package. */
export const mechanisms: readonly SDMechanism[] = [hostsSD];
