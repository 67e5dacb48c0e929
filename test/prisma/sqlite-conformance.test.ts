import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteRecorder } from '../../runtime/prisma/index.js';
import { describeRecorderConformance } from '../runtime/recorder-conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-sqlite-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeRecorderConformance('Prisma + SQLite (file, WAL)', () => createSqliteRecorder({ filename: join(dir, `store-${++n}.db`) }));
