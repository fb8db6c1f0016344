// @tsprom/discovery/file: the Node file-system side of file_sd (the main entry stays free of Node
// built-ins and loads this only when a file discoverer runs).
export { FileDiscoverer, type FileSDStats, FilepathLabel, fileSource, readTargetGroupFile } from './file-discovery.js';
