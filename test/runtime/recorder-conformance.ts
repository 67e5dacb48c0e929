/**
 * The behaviour every Recorder must have, as one shared vitest suite. The in-memory recorder
 * runs it in memory-recorder.test.ts; the Prisma recorders run it against real SQLite files and
 * the real PostgreSQL server.
 *
 * Usage, in a *.test.ts file:
 *   describeRecorderConformance('sqlite', async () => createSqliteRecorder({ filename }));
 *
 * The factory must return a new, EMPTY recorder each time (a fresh database or schema); the
 * suite closes it after each test. Given `firstNotificationId`, the store's first event must get
 * that id (as a long-lived database's sequence would), for the cases of ids beyond 2^53. Notification ids may have gaps (a rolled-back insert may use
 * up ids), so the suite checks only that they increase. The cases live in conformance/, one
 * file per concern (streams, concurrency, notifications and tracking, snapshots).
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { Recorder } from '../../runtime/recorder.js';
import { argumentCases } from './conformance/arguments.js';
import { concurrencyCases } from './conformance/concurrency.js';
import { forgetCases } from './conformance/forgets.js';
import { metadataCases } from './conformance/metadata.js';
import { notificationCases } from './conformance/notifications.js';
import { snapshotCases } from './conformance/snapshots.js';
import { streamCases } from './conformance/streams.js';
import { trackingOrderCases } from './conformance/tracking-order.js';
import { transactionCases } from './conformance/transactions.js';
import type { RecorderFactory } from './conformance/helpers.js';

export { storedEvent, type RecorderFactory } from './conformance/helpers.js';

/** Registers the conformance suite for one recorder implementation. */
export function describeRecorderConformance(name: string, factory: RecorderFactory): void {
  describe(`Recorder conformance: ${name}`, () => {
    let recorder: Recorder;

    beforeEach(async () => {
      recorder = await factory();
    });

    afterEach(async () => {
      await recorder.close();
    });

    const current = (): Recorder => recorder;
    streamCases(current);
    concurrencyCases(current);
    notificationCases(current);
    snapshotCases(current);
    argumentCases(current, factory);
    trackingOrderCases(current);
    transactionCases(current);
    metadataCases(current);
    forgetCases(current);
  });
}
