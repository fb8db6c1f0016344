#!/usr/bin/env node
// Runs the built server (`pnpm build` first); see src/main.ts. From source without a build:
// `pnpm start` at the repository root.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
