#!/usr/bin/env node
// The installed package's `eventforge` command: compiled JavaScript, no TypeScript loader.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
