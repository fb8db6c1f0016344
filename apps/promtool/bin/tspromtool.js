#!/usr/bin/env node
// Runs the built CLI (`pnpm build` first); see src/main.ts.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
