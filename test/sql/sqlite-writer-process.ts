/**
 * A writer in its own process (own SQLite connection):
 * `tsx sqlite-writer-process.ts <file> <writer> <saves> <streams...>`; every other save of an
 * even-numbered writer carries a tracking record (a transaction, not one statement). It prints
 * `ready` once connected and starts writing when a line arrives on stdin, so the parent can
 * start every writer at once however long each process took to start.
 */
import { once } from 'node:events';
import { createSqliteRecorder } from '../../runtime/sql/index.js';
import { runWriter } from './workload.js';

const [filename, writer, saves, ...streams] = process.argv.slice(2);
const recorder = await createSqliteRecorder({ filename: filename!, busyTimeoutMs: 10_000 });
try {
  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
  const report = await runWriter(recorder, Number(writer), streams, Number(saves), Number(writer) % 2 === 0);
  process.stdout.write(JSON.stringify(report) + '\n');
} finally {
  await recorder.close();
}
