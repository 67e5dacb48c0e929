/**
 * `tsx reencrypt-process.ts <DATABASE_URL> <base64 key>`: re-encrypts the store one row per
 * transaction, so that a test can kill it part-way (test/sql/reencrypt.test.ts).
 */
import { readStore } from '../../runtime/config.js';
import { reencryptStore } from '../../runtime/sql/index.js';

const [url, key] = process.argv.slice(2);
const report = await reencryptStore(readStore({ DATABASE_URL: url }), { cipherKey: key!, batchSize: 1 });
process.stdout.write(JSON.stringify({ events: report.events, snapshots: report.snapshots }) + '\n');
