#!/usr/bin/env node
// Runs the CLI from its TypeScript source through tsx's loader, for this repository's scripts and
// tests (no build needed). The published package's command is the compiled dist/cli/bin.js.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
