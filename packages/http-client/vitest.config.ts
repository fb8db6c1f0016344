export { default } from '../../tooling/config/vitest.shared.js';
