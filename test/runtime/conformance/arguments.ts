/**
 * Arguments outside the recorder contract: every store refuses each with RecorderArgumentError,
 * naming the method and the argument, and stores nothing. Part of the recorder conformance suite
 * (../recorder-conformance.ts); the accepted extremes are in argument-limits.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { RecorderArgumentError } from '../../../runtime/errors.js';
import type { Recorder } from '../../../runtime/recorder.js';
import { MAX_NAME_BYTES, MAX_POSITION, MAX_TOPICS, MAX_VERSION } from '../../../runtime/recorder-arguments.js';
import { argumentLimitCases } from './argument-limits.js';
import { type CurrentRecorder, type RecorderFactory, range, rejection, snapshot, storedEvent } from './helpers.js';

/** A value of the wrong type, as a JavaScript caller (or a cast) could pass it. */
function bad<T>(value: unknown): T {
  return value as T;
}

const tracking = (notificationId: unknown, application: unknown = 'App', upstream: unknown = 'Up') => ({
  tracking: bad<{ application: string; upstream: string; notificationId: bigint }>({
    application,
    upstream,
    notificationId,
  }),
});

/** One refused call: what it is, the call, and the argument the error must name. */
type Edge = readonly [name: string, call: (r: Recorder) => Promise<unknown>, operation: string, argument: string];

const appendEdges: Edge[] = [
  ['events that are not an array', (r) => r.append(bad({ length: 1 })), 'append', 'events'],
  ['an empty stream id', (r) => r.append([storedEvent('ok', 1), storedEvent('', 1)]), 'append', 'events[1].streamId'],
  ['a stream id with U+0000', (r) => r.append([storedEvent('a\u0000b', 1)]), 'append', 'events[0].streamId'],
  [
    'a stream id with a lone surrogate',
    (r) => r.append([storedEvent('dog-\ud83d', 1)]),
    'append',
    'events[0].streamId',
  ],
  [
    `a stream id over ${MAX_NAME_BYTES} UTF-8 bytes`,
    (r) => r.append([storedEvent('é'.repeat(MAX_NAME_BYTES / 2) + 'x', 1)]),
    'append',
    'events[0].streamId',
  ],
  [
    `a topic over ${MAX_NAME_BYTES} UTF-8 bytes`,
    (r) => r.append([storedEvent('v', 1, 'T'.repeat(MAX_NAME_BYTES + 1))]),
    'append',
    'events[0].topic',
  ],
  ['a stream id that is not a string', (r) => r.append([storedEvent(bad(7), 1)]), 'append', 'events[0].streamId'],
  ['version 0', (r) => r.append([storedEvent('v', 0)]), 'append', 'events[0].version'],
  ['a negative version', (r) => r.append([storedEvent('v', -1)]), 'append', 'events[0].version'],
  ['a fractional version', (r) => r.append([storedEvent('v', 1.5)]), 'append', 'events[0].version'],
  ['version NaN', (r) => r.append([storedEvent('v', Number.NaN)]), 'append', 'events[0].version'],
  ['a version above 2^31 - 1', (r) => r.append([storedEvent('v', MAX_VERSION + 1)]), 'append', 'events[0].version'],
  ['an empty topic', (r) => r.append([storedEvent('v', 1, '')]), 'append', 'events[0].topic'],
  [
    'schema version 0',
    (r) => r.append([storedEvent('v', 1, 'T.X.Y', { schemaVersion: 0 })]),
    'append',
    'events[0].schemaVersion',
  ],
  [
    'an invalid timestamp',
    (r) => r.append([storedEvent('v', 1, 'T.X.Y', { timestamp: new Date(Number.NaN) })]),
    'append',
    'events[0].timestamp',
  ],
  [
    'a timestamp after year 9999',
    (r) => r.append([storedEvent('v', 1, 'T.X.Y', { timestamp: new Date('+010000-01-01T00:00:00Z') })]),
    'append',
    'events[0].timestamp',
  ],
  [
    'a timestamp that is not a Date',
    (r) => r.append([storedEvent('v', 1, 'T.X.Y', { timestamp: bad(0) })]),
    'append',
    'events[0].timestamp',
  ],
  [
    'state that is not bytes',
    (r) => r.append([storedEvent('v', 1, 'T.X.Y', { state: bad([1, 2]) })]),
    'append',
    'events[0].state',
  ],
  ['an unknown option', (r) => r.append([storedEvent('v', 1)], bad({ trackng: {} })), 'append', 'options.trackng'],
  [
    'tracking position 0n',
    (r) => r.append([storedEvent('v', 1)], tracking(0n)),
    'append',
    'options.tracking.notificationId',
  ],
  ['a negative tracking position', (r) => r.append([], tracking(-5n)), 'append', 'options.tracking.notificationId'],
  ['a tracking position as a number', (r) => r.append([], tracking(5)), 'append', 'options.tracking.notificationId'],
  [
    'a tracking position above 2^63 - 1',
    (r) => r.append([], tracking(MAX_POSITION + 1n)),
    'append',
    'options.tracking.notificationId',
  ],
  ['an empty tracking application', (r) => r.append([], tracking(5n, '')), 'append', 'options.tracking.application'],
  [
    `a tracking application over ${MAX_NAME_BYTES} UTF-8 bytes`,
    (r) => r.append([], tracking(5n, '€'.repeat(342))),
    'append',
    'options.tracking.application',
  ],
  ['an empty tracking upstream', (r) => r.append([], tracking(5n, 'App', '')), 'append', 'options.tracking.upstream'],
];

const readStreamEdges: Edge[] = [
  ['an empty stream id', (r) => r.readStream(''), 'readStream', 'streamId'],
  ['limit -1', (r) => r.readStream('r', { limit: -1 }), 'readStream', 'options.limit'],
  ['a fractional limit', (r) => r.readStream('r', { limit: 2.5 }), 'readStream', 'options.limit'],
  ['limit NaN', (r) => r.readStream('r', { limit: Number.NaN }), 'readStream', 'options.limit'],
  ['limit Infinity', (r) => r.readStream('r', { limit: Number.POSITIVE_INFINITY }), 'readStream', 'options.limit'],
  ['a limit as text', (r) => r.readStream('r', { limit: bad('2') }), 'readStream', 'options.limit'],
  ['a negative after', (r) => r.readStream('r', { after: -1 }), 'readStream', 'options.after'],
  ['a fractional upTo', (r) => r.readStream('r', { upTo: 1.5 }), 'readStream', 'options.upTo'],
  ['upTo NaN', (r) => r.readStream('r', { upTo: Number.NaN }), 'readStream', 'options.upTo'],
  ['descending as text', (r) => r.readStream('r', { descending: bad('yes') }), 'readStream', 'options.descending'],
  ['a misspelt option', (r) => r.readStream('r', bad({ limt: 1 })), 'readStream', 'options.limt'],
];

const notificationEdges: Edge[] = [
  ['no options', (r) => r.readNotifications(bad(undefined)), 'readNotifications', 'options'],
  ['limit -1', (r) => r.readNotifications({ start: 1n, limit: -1 }), 'readNotifications', 'options.limit'],
  ['limit NaN', (r) => r.readNotifications({ start: 1n, limit: Number.NaN }), 'readNotifications', 'options.limit'],
  ['a missing limit', (r) => r.readNotifications(bad({ start: 1n })), 'readNotifications', 'options.limit'],
  ['a negative start', (r) => r.readNotifications({ start: -1n, limit: 5 }), 'readNotifications', 'options.start'],
  ['readLog without options', (r) => r.readLog(bad(undefined)), 'readLog', 'options'],
  ['payloads as text', (r) => r.readLog({ start: 1n, limit: 5, payloads: bad('no') }), 'readLog', 'options.payloads'],
  [
    'a start as a number',
    (r) => r.readNotifications({ start: bad(1), limit: 5 }),
    'readNotifications',
    'options.start',
  ],
  [
    'a start above 2^63 - 1',
    (r) => r.readNotifications({ start: MAX_POSITION + 1n, limit: 5 }),
    'readNotifications',
    'options.start',
  ],
  [
    'a negative stop',
    (r) => r.readNotifications({ start: 1n, limit: 5, stop: -1n }),
    'readNotifications',
    'options.stop',
  ],
  [
    'topics that are not an array',
    (r) => r.readNotifications({ start: 1n, limit: 5, topics: bad('T.A.Created') }),
    'readNotifications',
    'options.topics',
  ],
  [
    'an empty topic',
    (r) => r.readNotifications({ start: 1n, limit: 5, topics: ['T.A.Created', ''] }),
    'readNotifications',
    'options.topics[1]',
  ],
  [
    `more than ${MAX_TOPICS} topics`,
    (r) => r.readNotifications({ start: 1n, limit: 5, topics: range(0, MAX_TOPICS).map((i) => `T.X.E${i}`) }),
    'readNotifications',
    'options.topics',
  ],
];

const otherEdges: Edge[] = [
  ['maxTrackingId of an empty application', (r) => r.maxTrackingId('', 'Up'), 'maxTrackingId', 'application'],
  ['maxTrackingId of an empty upstream', (r) => r.maxTrackingId('App', ''), 'maxTrackingId', 'upstream'],
  ['hasTracking of a negative position', (r) => r.hasTracking('App', 'Up', -1n), 'hasTracking', 'notificationId'],
  ['hasTracking of a position as a number', (r) => r.hasTracking('App', 'Up', bad(3)), 'hasTracking', 'notificationId'],
  ['a snapshot of version 0', (r) => r.saveSnapshot(snapshot('r', 0)), 'saveSnapshot', 'snapshot.version'],
  ['a snapshot of an empty stream id', (r) => r.saveSnapshot(snapshot('', 4)), 'saveSnapshot', 'snapshot.streamId'],
  [
    'a snapshot with state that is not bytes',
    (r) => r.saveSnapshot(snapshot('r', 4, { state: bad('{}') })),
    'saveSnapshot',
    'snapshot.state',
  ],
  ['latestSnapshot of an empty stream id', (r) => r.latestSnapshot(''), 'latestSnapshot', 'streamId'],
  ['latestSnapshot up to a negative version', (r) => r.latestSnapshot('r', -1), 'latestSnapshot', 'upTo'],
];

/** What a refused call must leave as it was. */
async function everything(r: Recorder): Promise<unknown> {
  const log = await r.readNotifications({ start: 1n, limit: 1000 });
  return {
    log: log.map((n) => `${n.id}:${n.streamId}@${n.version}`),
    tracking: await r.maxTrackingId('App', 'Up'),
    snapshot: (await r.latestSnapshot('r'))?.version,
  };
}

/** Registers these cases; `current` gives the fresh recorder of each test, `factory` opens others. */
export function argumentCases(current: CurrentRecorder, factory: RecorderFactory): void {
  describe('arguments', () => argumentsOnSeed(current, factory));
}

function argumentsOnSeed(current: CurrentRecorder, factory: RecorderFactory): void {
  let recorder: Recorder;
  beforeEach(async () => {
    recorder = current();
    await recorder.append(
      range(1, 3).map((v) => storedEvent('r', v, 'T.A.Created')),
      { tracking: { application: 'App', upstream: 'Up', notificationId: 2n } },
    );
    await recorder.saveSnapshot(snapshot('r', 2));
  });

  const groups: [string, Edge[]][] = [
    ['append refuses', appendEdges],
    ['readStream refuses', readStreamEdges],
    ['readNotifications refuses', notificationEdges],
    ['tracking and snapshot queries refuse', otherEdges],
  ];
  for (const [title, edges] of groups) {
    describe(title, () => {
      for (const [name, call, operation, argument] of edges) {
        it(`${name}, with RecorderArgumentError, changing nothing`, async () => {
          const before = await everything(recorder);
          const error = await rejection(call(recorder));
          expect(error).toBeInstanceOf(RecorderArgumentError);
          const refused = error as RecorderArgumentError;
          expect([refused.operation, refused.argument]).toEqual([operation, argument]);
          expect(refused.message).toMatch(new RegExp(`^${operation}: ${argument.replace(/[[\]]/g, '\\$&')} must be `));
          expect(await everything(recorder)).toEqual(before);
        });
      }
    });
  }

  argumentLimitCases(() => recorder, factory);
}
