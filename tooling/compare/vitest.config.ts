export { default } from '../config/vitest.shared.js';
