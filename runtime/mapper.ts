/**
 * Domain events and aggregate snapshots ⇄ their stored form. The payload goes through the
 * generated codec (typed value → JSON wire form, and back through the upcaster chain), then
 * UTF-8 JSON text, then the optional compression and encryption layers (payload-envelope.ts).
 */
import type { AggregateSnapshot } from './aggregate.js';
import type { AggregateDescriptor, EventDescriptor, JsonValue, PayloadCodec } from './codec.js';
import {
  ConfigurationError,
  DecodeError,
  DecryptionError,
  EventforgeError,
  UnknownSchemaVersionError,
} from './errors.js';
import type { DomainEvent } from './events.js';
import {
  EnvelopeProblem,
  isPlainPayload,
  openPayload,
  sealPayload,
  type PayloadContext,
  type PayloadLayers,
} from './payload-envelope.js';
import type { DataKeys } from './personal/data-keys.js';
import {
  holdsPersonalValues,
  holdsSealedValues,
  openPersonal,
  sealPersonal,
  subjectOf,
  type DataKeyState,
} from './personal/personal-payload.js';
import type { Notification, Recorder, StoredEvent, StoredSnapshot } from './recorder.js';
import type { TopicRegistry } from './topics.js';

/** A decoded stored event and the aggregate type it belongs to. */
export interface MappedEvent {
  readonly aggregate: AggregateDescriptor;
  readonly event: DomainEvent;
}

/** A decoded snapshot and the aggregate type it belongs to. */
export interface MappedSnapshot {
  readonly aggregate: AggregateDescriptor;
  readonly snapshot: AggregateSnapshot<unknown>;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A domain event whose payload is decoded on first read of `data` (a class, not a closure per
 * event: subscriptions make thousands per page). Serialises with its data like a plain event.
 */
class LazyDomainEvent implements DomainEvent {
  readonly originatorId: string;
  readonly originatorVersion: number;
  readonly timestamp: Date;
  readonly #stored: StoredEvent;
  readonly #codec: PayloadCodec<unknown>;
  readonly #decode: (stored: StoredEvent, codec: PayloadCodec<unknown>) => unknown;
  #data: unknown;
  #decoded = false;

  constructor(
    readonly type: string,
    stored: StoredEvent,
    codec: PayloadCodec<unknown>,
    decode: (stored: StoredEvent, codec: PayloadCodec<unknown>) => unknown,
  ) {
    this.originatorId = stored.streamId;
    this.originatorVersion = stored.version;
    this.timestamp = stored.timestamp;
    this.#stored = stored;
    this.#codec = codec;
    this.#decode = decode;
  }

  get data(): unknown {
    if (!this.#decoded) {
      this.#data = this.#decode(this.#stored, this.#codec);
      this.#decoded = true;
    }
    return this.#data;
  }

  toJSON(): DomainEvent {
    const { type, originatorId, originatorVersion, timestamp, data } = this;
    return { type, originatorId, originatorVersion, timestamp, data };
  }
}

/** The `decode` of an event read without its payload (a log read's: it has an id). */
function unread(stored: StoredEvent): never {
  throw new EventforgeError(
    `the payload of notification ${(stored as Partial<Notification>).id} was not read: it was read for its envelope only (payloads: false); ` +
      'read the log with payloads to use event.data',
  );
}

/** Converts between domain objects and stored records for one application. */
export class Mapper {
  /** `topics` resolves stored topics; `layers` are the compression and encryption to write with. */
  constructor(
    readonly topics: TopicRegistry,
    readonly layers: PayloadLayers = {},
    /** The application's data keys; without them personal fields are stored like the rest. */
    readonly dataKeys?: DataKeys,
  ) {}

  /** Whether personal fields are encrypted (a key provider is configured). */
  get encryptsPersonalData(): boolean {
    return this.dataKeys?.provider !== undefined;
  }

  /** The wire form of a new event (`encoded` when it was encoded already) and its codec. */
  eventWire(aggregate: AggregateDescriptor, event: DomainEvent, encoded?: JsonValue): EventWire {
    const codec = this.topics.eventOfType(aggregate, event.type).codec;
    return { codec, wire: encoded ?? codec.encode(event.data) };
  }

  /** The subject whose data key a payload needs to be stored, or undefined when it needs none. */
  subjectToSeal(codec: PayloadCodec<unknown>, wire: JsonValue, streamId: string): string | undefined {
    const personal = codec.personal;
    if (personal === undefined || !this.encryptsPersonalData || !holdsPersonalValues(personal, wire)) return undefined;
    return subjectOf(personal, wire, streamId);
  }

  /**
   * A new event of an aggregate of type `aggregate` → its stored form. `encoded` is the payload's
   * wire form when it was already encoded (checked when the event was triggered), so it is not
   * encoded again.
   */
  toStoredEvent(
    aggregate: AggregateDescriptor,
    event: DomainEvent,
    encoded?: JsonValue,
    keyOf?: (subject: string) => DataKeyState | undefined,
  ): StoredEvent {
    const descriptor = this.topics.eventOfType(aggregate, event.type);
    const codec = descriptor.codec;
    const columns = {
      streamId: event.originatorId,
      version: event.originatorVersion,
      topic: descriptor.topic,
      schemaVersion: codec.version,
      timestamp: event.timestamp,
    };
    let wire = encoded ?? codec.encode(event.data);
    // Most payload types hold no personal field: no context object for them (saves make thousands).
    if (codec.personal !== undefined) wire = this.#sealPersonal(codec, wire, { kind: 'event', ...columns }, keyOf);
    const state = this.#seal(wire, 'event', columns);
    return {
      streamId: columns.streamId,
      version: columns.version,
      topic: columns.topic,
      schemaVersion: columns.schemaVersion,
      timestamp: columns.timestamp,
      state,
    };
  }

  /**
   * Stored events → domain events, like {@link toDomainEvent}, reading first (in one query) the
   * data keys their personal fields need.
   */
  async toDomainEvents(recorder: Recorder, records: readonly StoredEvent[]): Promise<MappedEvent[]> {
    const opened = records.map((stored) => {
      const { aggregate, event } = this.topics.event(stored.topic, stored.streamId, stored.version);
      return { stored, aggregate, event, wire: this.#open(stored, 'event') };
    });
    const subjects = opened.flatMap((o) => this.#sealedSubject(o.event.codec, o.wire, o.stored));
    const keys = subjects.length > 0 ? await this.#loadKeys(recorder, subjects) : undefined;
    return opened.map(({ stored, aggregate, event, wire }) => this.#mappedEvent(stored, aggregate, event, wire, keys));
  }

  /** A stored snapshot → the aggregate snapshot, reading first the data key its personal fields need. */
  async toAggregateSnapshotWithKeys(recorder: Recorder, stored: StoredSnapshot): Promise<MappedSnapshot> {
    const aggregate = this.topics.snapshot(stored.topic, stored.streamId, stored.version);
    const wire = this.#open(stored, 'snapshot');
    const state = (wire as Record<string, unknown> | null)?.['state'];
    const subjects = this.#sealedSubject(aggregate.state, state, stored);
    const keys = subjects.length > 0 ? await this.#loadKeys(recorder, subjects) : undefined;
    return this.#snapshotFrom(aggregate, stored, wire, keys);
  }

  /** The data keys snapshots of these aggregates need (their state's subject), for a save to load first. */
  snapshotSubject(aggregate: AggregateDescriptor, snapshot: AggregateSnapshot<unknown>): string | undefined {
    return this.subjectToSeal(aggregate.state, aggregate.state.encode(snapshot.state), snapshot.id);
  }

  /**
   * A stored event → the domain event, upcast to the current version. Throws
   * `UnknownTopicError`, `UnknownSchemaVersionError`, `DecodeError` or `DecryptionError`,
   * each naming the stream and version.
   */
  toDomainEvent(stored: StoredEvent): MappedEvent {
    const { aggregate, event } = this.topics.event(stored.topic, stored.streamId, stored.version);
    return this.#mappedEvent(stored, aggregate, event, this.#open(stored, 'event'), undefined);
  }

  /** The domain event of a stored event whose payload is opened; `keys` were loaded for the read. */
  #mappedEvent(
    stored: StoredEvent,
    aggregate: AggregateDescriptor,
    event: EventDescriptor,
    wire: unknown,
    keys: ReadonlyMap<string, DataKeyState> | undefined,
  ): MappedEvent {
    return {
      aggregate,
      event: {
        type: event.type,
        originatorId: stored.streamId,
        originatorVersion: stored.version,
        timestamp: stored.timestamp,
        data: decodeAt(event.codec, this.#openPersonal(event.codec, wire, stored, 'event', keys), stored),
      },
    };
  }

  /**
   * A page of the log as domain events whose payload is decoded (and upcast) when `event.data` is
   * first read, and only then: a reader that needs only the envelope (type, stream, version) pays
   * nothing for it, and a payload that cannot be decoded throws there. `keys` are those
   * {@link preloadKeys} read for the page; `'unread'`: the page was read without payloads
   * (`payloads: false`), and `data` throws, naming what to change. Each event is handed to `make`
   * with its record and aggregate: one decoder for the page and no object between, as a
   * subscription reads thousands.
   */
  lazyEvents<R extends StoredEvent, T>(
    records: readonly R[],
    keys: ReadonlyMap<string, DataKeyState> | 'unread' | undefined,
    make: (record: R, aggregate: AggregateDescriptor, event: DomainEvent) => T,
  ): T[] {
    const decode = keys === 'unread' ? unread : keys === undefined ? this.#decodeEvent : this.#decodeWith(keys);
    const made = new Array<T>(records.length);
    // Runs of one topic are common: comparing with the last is cheaper than hashing each row's new string.
    let topic: string | undefined;
    let found: ReturnType<TopicRegistry['event']> | undefined;
    for (let i = 0; i < records.length; i++) {
      const stored = records[i]!;
      if (found === undefined || stored.topic !== topic) {
        topic = stored.topic;
        found = this.topics.event(topic, stored.streamId, stored.version);
      }
      const { aggregate, event } = found;
      made[i] = make(stored, aggregate, new LazyDomainEvent(event.type, stored, event.codec, decode));
    }
    return made;
  }

  /**
   * The data keys lazily decoded events will need (read now, in one query): of the aggregate id
   * for payload types whose subject it is (nothing to open), else of their subject field.
   */
  async preloadKeys(recorder: Recorder, records: readonly StoredEvent[]): Promise<ReadonlyMap<string, DataKeyState>> {
    const subjects = new Set<string>();
    // Without a key provider nothing is loaded; an encrypted value then fails where it is decoded.
    if (!this.encryptsPersonalData) return new Map();
    for (const stored of records) {
      const personal = this.topics.event(stored.topic, stored.streamId, stored.version).event.codec.personal;
      if (personal === undefined) continue;
      subjects.add(
        personal.subject === undefined
          ? stored.streamId
          : subjectOf(personal, this.#open(stored, 'event'), stored.streamId),
      );
    }
    return subjects.size === 0 ? new Map() : this.#loadKeys(recorder, [...subjects]);
  }

  /** Decodes a stored event's payload with its codec (upcasting); shared by every lazy event. */
  readonly #decodeEvent = (stored: StoredEvent, codec: PayloadCodec<unknown>): unknown =>
    decodeAt(codec, this.#openPersonal(codec, this.#open(stored, 'event'), stored, 'event', undefined), stored);

  /** The same with the keys a page preloaded. */
  #decodeWith(keys: ReadonlyMap<string, DataKeyState>) {
    return (stored: StoredEvent, codec: PayloadCodec<unknown>): unknown =>
      decodeAt(codec, this.#openPersonal(codec, this.#open(stored, 'event'), stored, 'event', keys), stored);
  }

  /** An aggregate's snapshot → its stored form (the state plus the envelope fields). */
  toStoredSnapshot(
    aggregate: AggregateDescriptor,
    snapshot: AggregateSnapshot<unknown>,
    takenAt = new Date(),
    keyOf?: (subject: string) => DataKeyState | undefined,
  ): StoredSnapshot {
    const columns = {
      streamId: snapshot.id,
      version: snapshot.version,
      topic: aggregate.topic,
      schemaVersion: aggregate.state.version,
      timestamp: takenAt,
    };
    const wire: JsonValue = {
      createdOn: snapshot.createdOn.toISOString(),
      modifiedOn: snapshot.modifiedOn.toISOString(),
      discarded: snapshot.discarded,
      state: this.#sealPersonal(
        aggregate.state,
        aggregate.state.encode(snapshot.state),
        { kind: 'snapshot', ...columns },
        keyOf,
      ),
    };
    return { ...columns, state: this.#seal(wire, 'snapshot', columns) };
  }

  /** A stored snapshot → the aggregate snapshot, its state upcast to the current version. */
  toAggregateSnapshot(stored: StoredSnapshot): MappedSnapshot {
    const aggregate = this.topics.snapshot(stored.topic, stored.streamId, stored.version);
    return this.#snapshotFrom(aggregate, stored, this.#open(stored, 'snapshot'));
  }

  #snapshotFrom(
    aggregate: AggregateDescriptor,
    stored: StoredSnapshot,
    wire: unknown,
    keys?: ReadonlyMap<string, DataKeyState>,
  ): MappedSnapshot {
    const at = (path: string, problem: string) =>
      new DecodeError(
        stored.topic,
        stored.schemaVersion,
        path,
        `${problem} in the snapshot envelope`,
        stored.streamId,
        stored.version,
      );
    if (typeof wire !== 'object' || wire === null || Array.isArray(wire))
      throw at('', 'expected a snapshot envelope object');
    const envelope = wire as Record<string, unknown>;
    const createdOn = parseTimestamp(envelope['createdOn']);
    const modifiedOn = parseTimestamp(envelope['modifiedOn']);
    if (createdOn === undefined) throw at('createdOn', 'expected an ISO timestamp');
    if (modifiedOn === undefined) throw at('modifiedOn', 'expected an ISO timestamp');
    if (typeof envelope['discarded'] !== 'boolean') throw at('discarded', 'expected a boolean');
    const state = decodeAt(
      aggregate.state,
      this.#openPersonal(aggregate.state, envelope['state'], stored, 'snapshot', keys),
      stored,
    );
    return {
      aggregate,
      snapshot: {
        id: stored.streamId,
        version: stored.version,
        createdOn,
        modifiedOn,
        discarded: envelope['discarded'],
        state,
      },
    };
  }

  /** The wire form with its personal values encrypted under their subject's key. */
  #sealPersonal(
    codec: PayloadCodec<unknown>,
    wire: JsonValue,
    place: { kind: 'event' | 'snapshot'; topic: string; streamId: string; version: number },
    keyOf: (subject: string) => DataKeyState | undefined = (subject) => this.dataKeys?.cached(subject),
  ): JsonValue {
    const subject = this.subjectToSeal(codec, wire, place.streamId);
    if (subject === undefined) return wire;
    const key = keyOf(subject);
    if (key === undefined)
      throw new EventforgeError(
        `${place.topic} (stream ${place.streamId}, version ${place.version}) holds personal data of subject ${subject}, ` +
          'which has no data key: keys are made when events carrying personal data are saved; ' +
          'a personal state field must be set from a personal event field of the same subject',
      );
    return sealPersonal(codec.personal!, wire, subject, key, place);
  }

  /** The subject whose key the stored wire form needs, as a list of none or one. */
  #sealedSubject(codec: PayloadCodec<unknown>, wire: unknown, stored: StoredEvent | StoredSnapshot): string[] {
    if (codec.personal === undefined || !holdsSealedValues(wire, codec.personal)) return [];
    return [subjectOf(codec.personal, wire, stored.streamId)];
  }

  async #loadKeys(recorder: Recorder, subjects: readonly string[]): Promise<Map<string, DataKeyState>> {
    if (this.dataKeys === undefined) throw noMasterKey();
    return this.dataKeys.load(recorder, subjects);
  }

  /** The stored wire form with its personal values decrypted, or their placeholders once forgotten. */
  #openPersonal(
    codec: PayloadCodec<unknown>,
    wire: unknown,
    stored: StoredEvent | StoredSnapshot,
    kind: 'event' | 'snapshot',
    keys?: ReadonlyMap<string, DataKeyState>,
  ): unknown {
    // A payload type without personal fields is read as it is (no scan of every payload).
    if (codec.personal === undefined) return wire;
    const subject = subjectOf(codec.personal, wire, stored.streamId);
    // Loaded for this read (toDomainEvents, toAggregateSnapshotWithKeys), else as cached.
    const key = keys?.get(subject) ?? this.dataKeys?.cached(subject);
    if (key === undefined && holdsSealedValues(wire, codec.personal)) {
      if (this.dataKeys?.provider === undefined) throw noMasterKey();
      // Read through the sync methods, a key that is not cached is not known: refuse rather than redact.
      if (keys === undefined)
        throw new EventforgeError(
          `${stored.topic} (stream ${stored.streamId}, version ${stored.version}): the data key of subject ${subject} is not loaded; read it through the repository or the notification log`,
        );
    }
    return openPersonal(codec.personal, wire, subject, key, { kind, ...stored });
  }

  /** The stored bytes of `wire`; `columns` are the record's, the context encryption binds it to. */
  #seal(wire: JsonValue, kind: PayloadContext['kind'], columns: Omit<PayloadContext, 'kind'>): Uint8Array {
    // Buffer.from is ~3× faster than TextEncoder for short strings (pooled allocation); a Buffer is a Uint8Array.
    const plain = Buffer.from(JSON.stringify(wire), 'utf8');
    // Without layers there is nothing to bind: no context object per payload.
    if (this.layers.compression === undefined && this.layers.cipherKey === undefined) return plain;
    return sealPayload(plain, this.layers, { kind, ...columns });
  }

  /** The payload's JSON; the record's columns are the context its encryption must have been bound to. */
  #open(record: StoredEvent | StoredSnapshot, kind: PayloadContext['kind']): unknown {
    // A payload the store read as text has no layers (`payloads: 'text'`); refused ones take the bytes' way.
    const text = (record as StoredEvent).stateText;
    if (text !== undefined && this.layers.refuseUnbound !== true) return this.#parse(record, text);
    let plain: Uint8Array = text === undefined ? record.state : Buffer.from(text, 'utf8');
    try {
      // Plain JSON needs no context: only encrypted payloads are bound to their record.
      if (!isPlainPayload(plain, this.layers)) plain = openPayload(plain, this.layers, { kind, ...record });
    } catch (error) {
      if (!(error instanceof EnvelopeProblem)) throw error;
      if (error.kind === 'decrypt')
        throw new DecryptionError(record.topic, record.streamId, record.version, error.message);
      throw new DecodeError(record.topic, record.schemaVersion, '', error.message, record.streamId, record.version);
    }
    return this.#parse(record, plain);
  }

  /** The payload's JSON, or `DecodeError` naming the record. */
  #parse(record: StoredEvent | StoredSnapshot, plain: string | Uint8Array): unknown {
    try {
      return JSON.parse(typeof plain === 'string' ? plain : utf8Decoder.decode(plain)) as unknown;
    } catch (error) {
      throw new DecodeError(
        record.topic,
        record.schemaVersion,
        '',
        `the stored payload is not UTF-8 JSON (${(error as Error).message})`,
        record.streamId,
        record.version,
      );
    }
  }
}

function noMasterKey(): ConfigurationError {
  return new ConfigurationError(
    'stored personal fields are encrypted with data keys, and no master key is configured; set EVENTFORGE_MASTER_KEY (or the keyProvider option) to the key they were written with',
  );
}

/** A new event's wire form and the codec it was encoded with. */
export interface EventWire {
  readonly codec: PayloadCodec<unknown>;
  readonly wire: JsonValue;
}

/** Decodes through the codec, adding the record's position to an unknown-version error. */
function decodeAt<T>(codec: PayloadCodec<T>, wire: unknown, record: StoredEvent | StoredSnapshot): T {
  // Checked here as well as in the codec: a newer record must never be misread, whatever the codec does.
  if (!Number.isInteger(record.schemaVersion) || record.schemaVersion < 1 || record.schemaVersion > codec.version) {
    throw new UnknownSchemaVersionError(
      record.topic,
      record.schemaVersion,
      codec.version,
      record.streamId,
      record.version,
    );
  }
  try {
    return codec.decode(wire, record.schemaVersion);
  } catch (error) {
    // The codec knows the payload, not where it is stored: add the stream and version.
    if (error instanceof UnknownSchemaVersionError && error.streamId === undefined) {
      throw new UnknownSchemaVersionError(
        error.topic,
        error.schemaVersion,
        error.knownVersion,
        record.streamId,
        record.version,
      );
    }
    if (error instanceof DecodeError && error.streamId === undefined) {
      throw new DecodeError(
        error.topic,
        error.schemaVersion,
        error.path,
        error.problem,
        record.streamId,
        record.version,
      );
    }
    throw error;
  }
}

function parseTimestamp(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
