/**
 * What the recorders accept, in one place: every argument of every `Recorder` method is checked
 * here, with one error type (`RecorderArgumentError`), before any store sees it. The rules are
 * the narrowest that every store can hold exactly (docs/persistence.md, "What the recorders
 * accept"), so the in-memory store cannot accept what a database would refuse or alter.
 */
import { RecorderArgumentError } from './errors.js';
import type { LogSignalOptions } from './log-signal.js';
import type {
  AppendOptions,
  NewDataKey,
  ReadNotificationsOptions,
  ReadStreamOptions,
  StoredEvent,
  StoredSnapshot,
  TransactionOptions,
} from './recorder.js';

/** The highest stream version (and schema version): the databases store them as 32-bit INTEGER. */
export const MAX_VERSION = 2_147_483_647;
/** The highest notification id or tracking position: the databases store them as 64-bit BIGINT. */
export const MAX_POSITION = 2n ** 63n - 1n;
/**
 * The longest stream id, topic, application or upstream name in UTF-8 bytes: PostgreSQL refuses
 * index entries over 2,704 bytes, and the tracking key holds two names.
 */
export const MAX_NAME_BYTES = 1024;
/** The most topics one `readNotifications` may filter on (each is one SQL parameter). */
export const MAX_TOPICS = 1000;
/** The most bytes one event's metadata may take as JSON: it is for ids and names, not data. */
export const MAX_METADATA_BYTES = 16_384;
/** Timestamps both databases store and return exactly (PostgreSQL parses only 4-digit years). */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** NUL (PostgreSQL text refuses it) or a lone surrogate (UTF-8 cannot carry it; the databases would store U+FFFD). */
const NOT_STORABLE = /[\u0000\p{Cs}]/u;
const NAME_RULE = `a non-empty string of well-formed Unicode without U+0000, at most ${MAX_NAME_BYTES} UTF-8 bytes`;
const VERSION_RULE = `a positive integer up to ${MAX_VERSION}`;
const BOUND_RULE = 'a non-negative safe integer';
const LIMIT_RULE = 'a non-negative safe integer (0 returns nothing)';

/** Checks the arguments of `append`. */
export function checkAppend(events: readonly StoredEvent[], options: AppendOptions | undefined): void {
  const check = new Check('append');
  if (!Array.isArray(events)) throw check.fail('events', 'an array of stored events (may be empty)', events);
  events.forEach((event, i) => {
    check.record(`events[${i}]`, event);
    if (event.metadata !== undefined) check.metadata(`events[${i}].metadata`, event.metadata);
  });
  const o = check.options(options, ['tracking', 'dataKeys']);
  if (o.dataKeys !== undefined) {
    if (!Array.isArray(o.dataKeys)) throw check.fail('options.dataKeys', 'an array of new data keys', o.dataKeys);
    const keys: readonly NewDataKey[] = o.dataKeys;
    keys.forEach((key, i) => {
      const k = check.object(`options.dataKeys[${i}]`, key, ['subject', 'wrapped']);
      check.name(`options.dataKeys[${i}].subject`, k.subject);
      if (!(k.wrapped instanceof Uint8Array))
        throw check.fail(`options.dataKeys[${i}].wrapped`, 'a Uint8Array', k.wrapped);
    });
  }
  if (o.tracking === undefined) return;
  check.tracking('options.tracking', o.tracking);
}

/**
 * Checks metadata a caller gives (a save's `options.metadata`), as `append` will: the error
 * names the operation and the key, before anything is stored.
 */
export function checkMetadata(operation: string, path: string, metadata: unknown): void {
  new Check(operation).metadata(path, metadata);
}

/** Checks the arguments of `transaction`. */
export function checkTransaction(work: unknown, options: TransactionOptions | undefined): void {
  const check = new Check('transaction');
  if (typeof work !== 'function') throw check.fail('work', 'a function (tx) => Promise', work);
  const o = check.options(options, ['tracking', 'trackingFrom', 'park', 'unpark']);
  if (o.tracking !== undefined) check.tracking('options.tracking', o.tracking);
  if (o.trackingFrom !== undefined) {
    if (o.tracking === undefined)
      throw check.fail('options.trackingFrom', 'absent unless tracking is given', o.trackingFrom);
    check.position('options.trackingFrom', o.trackingFrom, 0n);
  }
  for (const [key, list] of [
    ['park', o.park],
    ['unpark', o.unpark],
  ] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw check.fail(`options.${key}`, 'an array', list);
    list.forEach((p, i) => check.parked(`options.${key}[${i}]`, p, key === 'park'));
  }
}

/** Checks the options of `logSignal`. */
export function checkLogSignal(options: LogSignalOptions | undefined): void {
  const check = new Check('logSignal');
  const o = check.options(options, ['pollIntervalMs']);
  if (o.pollIntervalMs !== undefined && (!Number.isSafeInteger(o.pollIntervalMs) || o.pollIntervalMs < 1)) {
    throw check.fail('options.pollIntervalMs', 'a positive integer (milliseconds)', o.pollIntervalMs);
  }
}

/** Checks the argument of `parkedEvents`. */
export function checkParkedEvents(projection: string | undefined): void {
  if (projection !== undefined) new Check('parkedEvents').name('projection', projection);
}

/** Checks the arguments of `readStream`; bounds beyond the highest version mean that version. */
export function checkReadStream(streamId: string, options: ReadStreamOptions | undefined): ReadStreamOptions {
  const check = new Check('readStream');
  check.name('streamId', streamId);
  const o = check.options(options, ['after', 'upTo', 'descending', 'limit', 'payloads']);
  if (o.descending !== undefined && typeof o.descending !== 'boolean') {
    throw check.fail('options.descending', 'a boolean', o.descending);
  }
  if (o.payloads !== undefined && o.payloads !== 'text') throw check.fail('options.payloads', "'text'", o.payloads);
  return {
    ...(o.after === undefined ? {} : { after: check.bound('options.after', o.after) }),
    ...(o.upTo === undefined ? {} : { upTo: check.bound('options.upTo', o.upTo) }),
    ...(o.descending === undefined ? {} : { descending: o.descending }),
    ...(o.limit === undefined ? {} : { limit: check.limit('options.limit', o.limit) }),
    ...(o.payloads === undefined ? {} : { payloads: o.payloads }),
  };
}

/** Checks the options of `readNotifications`. */
export function checkReadNotifications(options: ReadNotificationsOptions, operation = 'readNotifications'): void {
  const check = new Check(operation);
  if (options === undefined) throw check.fail('options', 'an object with start and limit', options);
  const o = check.options(options, ['start', 'limit', 'stop', 'topics', 'payloads']);
  check.position('options.start', o.start, 0n);
  if (o.payloads !== undefined && typeof o.payloads !== 'boolean' && o.payloads !== 'text') {
    throw check.fail('options.payloads', "a boolean or 'text'", o.payloads);
  }
  check.limit('options.limit', o.limit);
  if (o.stop !== undefined) check.position('options.stop', o.stop, 0n);
  if (o.topics === undefined) return;
  if (!Array.isArray(o.topics) || o.topics.length > MAX_TOPICS) {
    throw check.fail('options.topics', `an array of at most ${MAX_TOPICS} topics (empty: all topics)`, o.topics);
  }
  o.topics.forEach((topic, i) => check.name(`options.topics[${i}]`, topic));
}

/** Checks the arguments of `maxTrackingId` and `hasTracking`. */
export function checkTrackingQuery(
  operation: string,
  application: string,
  upstream: string,
  notificationId?: bigint,
): void {
  const check = new Check(operation);
  check.name('application', application);
  check.name('upstream', upstream);
  if (operation === 'hasTracking') check.position('notificationId', notificationId, 0n);
}

/** Checks the argument of `saveSnapshot`. */
export function checkSnapshot(snapshot: StoredSnapshot): void {
  new Check('saveSnapshot').record('snapshot', snapshot);
}

/** Checks the arguments of `latestSnapshot`; a bound beyond the highest version means that version. */
export function checkLatestSnapshot(streamId: string, upTo: number | undefined): number | undefined {
  const check = new Check('latestSnapshot');
  check.name('streamId', streamId);
  return upTo === undefined ? undefined : check.bound('upTo', upTo);
}

/** Checks the subjects of the data-key methods. */
export function checkSubjects(operation: string, subjects: readonly string[]): void {
  const check = new Check(operation);
  if (!Array.isArray(subjects)) throw check.fail('subjects', 'an array of subjects', subjects);
  subjects.forEach((subject, i) => check.name(`subjects[${i}]`, subject));
}

/** The checks of one call: each names the method and the argument's path in its error. */
class Check {
  constructor(private readonly operation: string) {}

  fail(argument: string, rule: string, given: unknown): RecorderArgumentError {
    return new RecorderArgumentError(this.operation, argument, rule, describe(given));
  }

  /** A plain object with only the `allowed` keys (a misspelt option must not be ignored). */
  object<T extends object>(path: string, value: T | undefined, allowed: readonly string[]): Partial<T> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw this.fail(path, `an object with only ${allowed.join(', ')}`, value);
    }
    const unknown = Object.keys(value).find((key) => !allowed.includes(key));
    if (unknown !== undefined)
      throw this.fail(
        `${path}.${unknown}`,
        `absent (known: ${allowed.join(', ')})`,
        (value as Record<string, unknown>)[unknown],
      );
    return value;
  }

  options<T extends object>(value: T | undefined, allowed: readonly string[]): Partial<T> {
    return value === undefined ? {} : this.object('options', value, allowed);
  }

  tracking(path: string, value: object): void {
    const r = this.object(path, value as Record<string, unknown>, [
      'application',
      'upstream',
      'notificationId',
      'epoch',
    ]);
    this.name(`${path}.application`, r['application']);
    this.name(`${path}.upstream`, r['upstream']);
    this.position(`${path}.notificationId`, r['notificationId'], 1n);
    if (r['epoch'] !== undefined) this.position(`${path}.epoch`, r['epoch'], 1n);
  }

  /** A parked event, or only its key. */
  parked(path: string, value: object, whole: boolean): void {
    const keys = whole
      ? ['projection', 'notificationId', 'topic', 'error', 'attempts', 'parkedAt']
      : ['projection', 'notificationId'];
    const r = this.object(path, value as Record<string, unknown>, keys);
    this.name(`${path}.projection`, r['projection']);
    this.position(`${path}.notificationId`, r['notificationId'], 1n);
    if (!whole) return;
    this.name(`${path}.topic`, r['topic']);
    if (typeof r['error'] !== 'string') throw this.fail(`${path}.error`, 'a string', r['error']);
    if (!Number.isSafeInteger(r['attempts']) || (r['attempts'] as number) < 1) {
      throw this.fail(`${path}.attempts`, 'a positive integer', r['attempts']);
    }
    if (!(r['parkedAt'] instanceof Date) || Number.isNaN(r['parkedAt'].getTime())) {
      throw this.fail(`${path}.parkedAt`, 'a valid Date', r['parkedAt']);
    }
  }

  /** Event metadata: a plain object of text values, small, storable as JSON by every store. */
  metadata(path: string, value: unknown): void {
    if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
      throw this.fail(path, 'a plain object of string values', value);
    }
    for (const [key, text] of Object.entries(value)) {
      this.name(`${path} key ${JSON.stringify(key)}`, key);
      if (typeof text !== 'string' || NOT_STORABLE.test(text)) {
        throw this.fail(`${path}.${key}`, 'a string of well-formed Unicode without U+0000', text);
      }
    }
    if (Buffer.byteLength(JSON.stringify(value), 'utf8') > MAX_METADATA_BYTES) {
      throw this.fail(path, `at most ${MAX_METADATA_BYTES} bytes as JSON (ids and names, not data)`, value);
    }
  }

  name(path: string, value: unknown): void {
    if (typeof value !== 'string' || value === '' || NOT_STORABLE.test(value) || utf8Length(value) > MAX_NAME_BYTES) {
      throw this.fail(path, NAME_RULE, value);
    }
  }

  version(path: string, value: unknown): void {
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_VERSION) {
      throw this.fail(path, VERSION_RULE, value);
    }
  }

  bound(path: string, value: unknown): number {
    if (!Number.isSafeInteger(value) || (value as number) < 0) throw this.fail(path, BOUND_RULE, value);
    return Math.min(value as number, MAX_VERSION);
  }

  limit(path: string, value: unknown): number {
    if (!Number.isSafeInteger(value) || (value as number) < 0) throw this.fail(path, LIMIT_RULE, value);
    return value as number;
  }

  position(path: string, value: unknown, min: bigint): void {
    if (typeof value !== 'bigint' || value < min || value > MAX_POSITION) {
      throw this.fail(path, `a bigint from ${min}n to 2n ** 63n - 1n`, value);
    }
  }

  /** A stored event or snapshot: every field as the databases hold it. */
  record(path: string, r: StoredEvent | StoredSnapshot): void {
    if (typeof r !== 'object' || r === null) throw this.fail(path, 'an object', r);
    this.name(`${path}.streamId`, r.streamId);
    this.version(`${path}.version`, r.version);
    this.name(`${path}.topic`, r.topic);
    this.version(`${path}.schemaVersion`, r.schemaVersion);
    const time = r.timestamp instanceof Date ? r.timestamp.getTime() : Number.NaN;
    if (!(time >= EARLIEST && time <= LATEST)) {
      throw this.fail(`${path}.timestamp`, 'a valid Date from year 0001 to 9999 (UTC)', r.timestamp);
    }
    if (!(r.state instanceof Uint8Array)) throw this.fail(`${path}.state`, 'a Uint8Array', r.state);
    // A record read with `payloads: 'text'` carries its payload there, its `state` empty.
    if ((r as StoredEvent).stateText !== undefined) {
      throw this.fail(
        `${path}.stateText`,
        "absent (a record read with payloads: 'text' holds its payload as text, not in state: read with bytes to copy it)",
        (r as StoredEvent).stateText,
      );
    }
  }
}

/** UTF-8 length, counted only when it could exceed the limit (a UTF-16 unit takes at most 3 bytes). */
function utf8Length(value: string): number {
  return value.length * 3 <= MAX_NAME_BYTES ? value.length : Buffer.byteLength(value, 'utf8');
}

/** A given value as text for the message: type and value, short. */
function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string')
    return value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}…` : JSON.stringify(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : value.toISOString();
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null || typeof value !== 'object') return String(value);
  return `a ${value.constructor?.name ?? 'object'}`;
}
