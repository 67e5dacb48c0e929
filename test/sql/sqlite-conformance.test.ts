import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteRecorder } from '../../runtime/sql/index.js';
import { describeRecorderConformance } from '../runtime/recorder-conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-sqlite-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeRecorderConformance('Prisma + SQLite (file, WAL)', async (options = {}) => {
  const filename = join(dir, `store-${++n}.db`);
  const recorder = await createSqliteRecorder({ filename });
  if (options.firstNotificationId !== undefined) {
    // AUTOINCREMENT continues after the highest id sqlite_sequence remembers.
    const db = new Database(filename);
    db.prepare(`INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)`).run(options.firstNotificationId - 1n);
    db.close();
  }
  return recorder;
});
