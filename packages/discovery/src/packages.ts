// @tsprom/discovery/packages: loading third-party SD packages (`tsprom-sd-<name>`) from
// `node_modules` (Node only).
export { type LoadSDPackageOptions, loadSDPackage, loadSDPackagesFor } from './sd-package-loader.js';
