export { default } from '../../tooling/config/tsup.shared.js';
