#!/usr/bin/env node
// The installed package's `eventforge` command: compiled JavaScript, no TypeScript loader.
import { tuneProcessFor } from './process-tuning.js';

const argv = process.argv.slice(2);
// Before the CLI's modules load: V8 flags for the command this process will run.
tuneProcessFor(argv);
const { main } = await import('./main.js');
process.exitCode = await main(argv);
