import type { AggregateSnapshot } from './aggregate.js';
import { runAfterSave } from './after-save.js';
import type { AggregateClass, AggregateDescriptor, DomainDescriptor, JsonValue } from './codec.js';
import type { DomainEvent } from './events.js';
import { ClosingGate } from './closing-gate.js';
import {
  readConfig,
  readPersonalData,
  type PersonalDataStorage,
  type RuntimeConfig,
  type StoreConfig,
} from './config.js';
import { ConfigurationError, DataKeyConflictError, EventforgeError } from './errors.js';
import { Mapper } from './mapper.js';
import { NotificationLog } from './notification-log.js';
import { openRecorder } from './open-recorder.js';
import { checkCipherKey } from './payload-envelope.js';
import {
  clearStorageRefused,
  declaresPersonalData,
  personalValuesIn,
  warnClearStorage,
} from './personal/clear-storage.js';
import { DataKeys, type DataKeyCacheOptions } from './personal/data-keys.js';
import { masterKeyProvider, type KeyProvider } from './personal/key-provider.js';
import { Aggregate } from './aggregate.js';
import { type MetadataShape, saveMetadata, type SaveOptions } from './metadata.js';
import { NO_METADATA } from './notification-log.js';
import type {
  AppendOptions,
  EventMetadata,
  PrismaTransactionClient,
  Recorder,
  StoredEvent,
  StoredSnapshot,
  Tracking,
  TransactionWrites,
} from './recorder.js';
import { Repository, type AnyAggregate, type StoreAccess } from './repository.js';
import { SnapshotIntervals } from './snapshot-intervals.js';
import { TopicRegistry } from './topics.js';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';

/** How an application is set up. Everything is optional; the environment fills the rest. */
export interface ApplicationOptions {
  /** The generated domains whose events this application stores and reads (e.g. `[dogSchoolDomain]`). */
  readonly domains?: readonly DomainDescriptor[];
  /** The application's name (tracking records use it); the class name by default. */
  readonly name?: string;
  /**
   * Use this recorder instead of the one `DATABASE_URL` names. The application does not close
   * a recorder it was given (several applications may share one).
   */
  readonly recorder?: Recorder;
  /**
   * Store events through this Prisma driver adapter, the one your PrismaClient was given
   * (`PrismaPg` or `PrismaBetterSqlite3`, wrapped once with `shareAdapter` so that both use one
   * pool or connection): no connection of eventforge's own. The application releases its use of
   * it on `close()`. The store's tables must exist (docs/prisma.md).
   */
  readonly adapter?: SqlDriverAdapterFactory;
  /** Read configuration from these variables instead of `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Snapshot intervals by aggregate name (`Dog`), topic (`DogSchool.Dog`) or `*`; `null` turns
   * snapshots off. Overrides `EVENTFORGE_SNAPSHOT_EVERY`, which overrides the schema's `snapshot.every`.
   */
  readonly snapshotEvery?: Readonly<Record<string, number | null>>;
  /** A 32-byte AES-256 key (or its base64): encrypt stored payloads. Overrides `EVENTFORGE_CIPHER_KEY`. */
  readonly cipherKey?: Uint8Array | string;
  /**
   * Keys (32 bytes or base64) older payloads may still be encrypted with: read, never written
   * (key rotation, docs/security.md). Overrides `EVENTFORGE_CIPHER_PREVIOUS_KEYS`.
   */
  readonly previousCipherKeys?: readonly (Uint8Array | string)[];
  /** Compress stored payloads. Overrides `EVENTFORGE_COMPRESSION`. */
  readonly compression?: 'deflate' | 'none';
  /** `refuse`: payloads not bound to their record fail to load (docs/security.md). Overrides `EVENTFORGE_UNBOUND_PAYLOADS`. */
  readonly unboundPayloads?: 'accept' | 'refuse';
  /**
   * Wraps the data keys of personal fields (a KMS client, say). Overrides `EVENTFORGE_MASTER_KEY`;
   * without either, saves carrying personal fields are refused (see `personalData`) and `forget` refuses.
   */
  readonly keyProvider?: KeyProvider;
  /**
   * Without a master key or key provider: `encrypted` (the default) refuses saves carrying
   * personal data (`ConfigurationError`, nothing stored); `clear` stores them unencrypted, for
   * development and tests, and warns once per process. Overrides `EVENTFORGE_PERSONAL_DATA`.
   */
  readonly personalData?: PersonalDataStorage;
  /** The data-key cache: capacity (subjects) and how long a key is trusted before it is read again. */
  readonly dataKeyCache?: DataKeyCacheOptions;
  /**
   * Called after `forget(subject)` deleted the key, to scrub what projections hold of the subject
   * (rows of views built from the personal fields). Awaited; a failure fails `forget`.
   */
  readonly onForget?: (subject: string) => void | Promise<void>;
}

/**
 * An event-sourced application: stores aggregates' new events atomically, loads aggregates
 * through typed repositories, takes snapshots, and exposes its notification log.
 *
 * Subclass it and add commands and queries:
 *
 * ```ts
 * class DogSchool extends Application {
 *   constructor(options: ApplicationOptions = {}) { super({ ...options, domains: [dogSchoolDomain] }); }
 *   readonly dogs = this.repository(Dog);
 *   async registerDog(name: string) { const dog = Dog.create({ name }); await this.save(dog); return dog.id; }
 * }
 * ```
 *
 * The store is opened on first use, so construction is synchronous; configuration errors are
 * raised by the constructor. `M` types the metadata a save may attach (`{ userId: string }`).
 */
export class Application<M extends MetadataShape<M> = EventMetadata> {
  /** The application's name, e.g. `DogSchool`. */
  readonly name: string;
  /** The application's events in stored order, decoded. */
  readonly log: NotificationLog;
  /** What the environment (and options) configured. */
  readonly config: ApplicationConfig;
  /** The generated domains whose events it stores (`[dogSchoolDomain]`); the catalog draws a system from them. */
  readonly domains: readonly DomainDescriptor[];

  readonly #topics: TopicRegistry;
  readonly #mapper: Mapper;
  readonly #intervals: SnapshotIntervals;
  readonly #givenRecorder: Recorder | undefined;
  readonly #adapter: SqlDriverAdapterFactory | undefined;
  readonly #repositories = new Map<AggregateClass<AnyAggregate>, Repository<AnyAggregate>>();
  readonly #store: StoreAccess;
  readonly #gate: ClosingGate;
  readonly #dataKeys: DataKeys;
  readonly #onForget: ((subject: string) => void | Promise<void>) | undefined;
  readonly #forgetHooks: ((subject: string, recorder: Recorder) => Promise<void>)[] = [];
  #opening: Promise<Recorder> | undefined;

  /** Reads the configuration (options, then the environment); throws `ConfigurationError` for a bad setting. */
  constructor(options: ApplicationOptions = {}) {
    this.name = options.name ?? new.target.name;
    const env = options.env ?? process.env;
    if (options.recorder !== undefined && options.adapter !== undefined) {
      throw new ConfigurationError('give an application a recorder or a Prisma adapter, not both');
    }
    // With a recorder or adapter given, DATABASE_URL is irrelevant and must not be able to fail the construction.
    const given = options.recorder !== undefined || options.adapter !== undefined;
    this.config = applyOptions(readConfig(given ? { ...env, DATABASE_URL: 'memory:' } : env), options);
    this.#adapter = options.adapter;
    this.domains = options.domains ?? [];
    this.#topics = new TopicRegistry(this.domains);
    const provider =
      options.keyProvider ??
      (this.config.masterKey === undefined
        ? undefined
        : masterKeyProvider(this.config.masterKey, this.config.previousMasterKeys));
    this.#dataKeys = new DataKeys(provider, options.dataKeyCache);
    if (provider === undefined && this.config.personalData === 'clear')
      warnClearStorage(this.name, options.domains ?? []);
    this.#onForget = options.onForget;
    this.#mapper = new Mapper(
      this.#topics,
      {
        compression: this.config.compression,
        cipherKey: this.config.cipherKey,
        refuseUnbound: this.config.unboundPayloads === 'refuse',
        previousKeys: this.config.previousCipherKeys,
      },
      this.#dataKeys,
    );
    this.#intervals = new SnapshotIntervals(this.#topics, options.domains ?? [], [
      { source: 'EVENTFORGE_SNAPSHOT_EVERY', intervals: this.config.snapshotEvery },
      { source: 'the snapshotEvery option', intervals: new Map(Object.entries(options.snapshotEvery ?? {})) },
    ]);
    this.#givenRecorder = options.recorder;
    this.#gate = new ClosingGate(`application ${this.name}`);
    const mapper = this.#mapper;
    this.#store = { use: (work) => this.#gate.run(async () => work(await this.#openRecorder())), mapper };
    this.log = new NotificationLog(this.#store);
  }

  /** The store this application uses, opened on first call; `ClosedError` after `close()`. */
  async recorder(): Promise<Recorder> {
    this.#gate.assertOpen();
    return this.#openRecorder();
  }

  async #openRecorder(): Promise<Recorder> {
    if (this.#givenRecorder !== undefined) return this.#givenRecorder;
    if (this.#opening === undefined) {
      const store = this.config.store;
      const adapter = this.#adapter;
      if (store.kind === 'given') throw new EventforgeError('unreachable: a given recorder is returned above');
      if (store.kind !== 'adapter') this.#opening = openRecorder(store);
      else if (adapter === undefined) throw new EventforgeError('unreachable: an adapter store without its adapter');
      // Imported on use, as openRecorder does: applications in memory never load a driver.
      else this.#opening = import('./sql/index.js').then((sql) => sql.createRecorderOnAdapter(adapter));
      // A failed open (e.g. the database is down) is not cached: the next call tries again.
      this.#opening.catch(() => (this.#opening = undefined));
    }
    return this.#opening;
  }

  /** The typed repository of an aggregate class (generated, or a hand-written subclass of one). */
  repository<A extends AnyAggregate>(cls: AggregateClass<A>): Repository<A> {
    let repository = this.#repositories.get(cls);
    if (repository === undefined) {
      this.#topics.register(descriptorOfClass(cls));
      repository = new Repository(cls, this.#store);
      this.#repositories.set(cls, repository);
    }
    return repository as Repository<A>;
  }

  /**
   * Stores the new events of all the given aggregates in ONE atomic append: all or nothing.
   * On success their pending events are cleared and snapshots are taken where a save crossed a
   * multiple of the aggregate's snapshot interval; on failure (e.g. `ConcurrencyError`) nothing
   * is stored and the aggregates keep their pending events. Returns the notification ids.
   */
  async save(...aggregates: AnyAggregate[]): Promise<bigint[]>;
  /** Like `save`, storing `options.metadata` with every event (`app.save(order, { metadata: { userId } })`). */
  async save(...args: [...aggregates: AnyAggregate[], options: SaveOptions<M>]): Promise<bigint[]>;
  async save(...args: (AnyAggregate | SaveOptions<M>)[]): Promise<bigint[]> {
    const { aggregates, metadata } = splitOptions('save', args);
    const ids = await this.#gate.run(() => this.#save(aggregates, undefined, metadata, undefined));
    await runAfterSave(this);
    return ids;
  }

  /**
   * Like `save`, and records in the same transaction that this application processed the
   * upstream notification `tracking` names (exactly-once processing). A save whose tracking
   * position is not above the last one of its (application, upstream), e.g. the same record a
   * second time, fails with `IntegrityError` and stores nothing.
   */
  async saveWithTracking(tracking: Tracking, ...aggregates: AnyAggregate[]): Promise<bigint[]>;
  /** Like `saveWithTracking`, storing `options.metadata` with every event. */
  async saveWithTracking(
    tracking: Tracking,
    ...args: [...aggregates: AnyAggregate[], options: SaveOptions<M>]
  ): Promise<bigint[]>;
  async saveWithTracking(tracking: Tracking, ...args: (AnyAggregate | SaveOptions<M>)[]): Promise<bigint[]> {
    const { aggregates, metadata } = splitOptions('saveWithTracking', args);
    const ids = await this.#gate.run(() => this.#save(aggregates, tracking, metadata, undefined));
    await runAfterSave(this);
    return ids;
  }

  /**
   * @internal A process application's save of one processed batch: each event with its own
   * metadata (its causation differs), with the batch's tracking record when given.
   */
  protected async saveProcessed(
    tracking: Tracking | undefined,
    aggregates: readonly AnyAggregate[],
    metadataOf: EventMetadataSource,
  ): Promise<bigint[]> {
    const ids = await this.#gate.run(() => this.#save(aggregates, tracking, metadataOf, undefined));
    await runAfterSave(this);
    return ids;
  }

  /**
   * What was stored with an event of this application (`event.originatorId`,
   * `event.originatorVersion`): its causation and correlation when a process application saved
   * it, the keys its save attached; `{}` when none; undefined when there is no such event. Read
   * from the store, so another process (or this one after a restart) sees the same.
   */
  async metadataOf(streamId: string, version: number): Promise<(EventMetadata & Partial<M>) | undefined> {
    const [event] = await this.#store.use((recorder) =>
      recorder.readStream(streamId, { after: version - 1, upTo: version }),
    );
    if (event === undefined) return undefined;
    return (event.metadata ?? NO_METADATA) as EventMetadata & Partial<M>;
  }

  /**
   * Saves inside a transaction you opened with Prisma on the database this application stores
   * in: the events (and snapshots, tracking records and data keys of the save) commit or roll
   * back with your own writes in `tx`.
   *
   * ```ts
   * await prisma.$transaction(async (tx) => {
   *   await app.on(tx).save(dog);            // ConcurrencyError here rolls back everything below too
   *   await app.on(tx).save(order, { metadata: { userId } }); // metadata as `save` stores it
   *   await tx.owner.create({ data: { … } });  // a failure here leaves no events
   * });
   * ```
   *
   * A refused save (`ConcurrencyError`, ...) stores none of its events and leaves `tx` usable.
   * After your transaction rolled back, reload the aggregates you saved in it: they count their
   * events as stored. docs/prisma.md says when to use it and what it costs.
   */
  on(tx: PrismaTransactionClient): TransactionScope<M> {
    return {
      save: (...args: (AnyAggregate | SaveOptions<M>)[]) => {
        const { aggregates, metadata } = splitOptions('save', args);
        return this.#gate.run(() => this.#save(aggregates, undefined, metadata, tx));
      },
      saveWithTracking: (tracking: Tracking, ...args: (AnyAggregate | SaveOptions<M>)[]) => {
        const { aggregates, metadata } = splitOptions('saveWithTracking', args);
        return this.#gate.run(() => this.#save(aggregates, tracking, metadata, tx));
      },
    };
  }

  /**
   * Takes a snapshot of the aggregate at `version` (the latest when absent) and stores it.
   * Returns the version the snapshot holds.
   */
  async takeSnapshot<A extends AnyAggregate>(cls: AggregateClass<A>, id: string, version?: number): Promise<number> {
    const repository = this.repository(cls);
    return this.#store.use(async (recorder) => {
      const aggregate = await repository.load(recorder, id, version === undefined ? {} : { version });
      const snapshot = aggregate.takeSnapshot();
      this.#refuseUnencrypted(cls.descriptor, [], snapshot);
      const subject = this.#mapper.snapshotSubject(cls.descriptor, snapshot);
      const keys = subject === undefined ? undefined : await this.#dataKeys.load(recorder, [subject]);
      await recorder.saveSnapshot(
        this.#mapper.toStoredSnapshot(cls.descriptor, snapshot, new Date(), (s) => keys?.get(s)),
      );
      return aggregate.version;
    });
  }

  /**
   * Forgets a person: deletes the data key of `subject` (an aggregate id, or the value of a
   * `subject:` field), so every personal field of theirs in events and snapshots reads as its
   * placeholder from now on, here at once and in other processes within the key cache's TTL.
   * Then runs the `onForget` hook. Returns whether a key was deleted (false: none existed, or
   * forgotten before); either way, new personal data of the subject is refused afterwards.
   */
  async forget(subject: string): Promise<boolean> {
    if (this.#dataKeys.provider === undefined) {
      throw new ConfigurationError(
        'cannot forget: personal fields are not encrypted with data keys because no master key is configured; set EVENTFORGE_MASTER_KEY (or the keyProvider option)',
      );
    }
    return this.#store.use(async (recorder) => {
      const deleted = await recorder.forgetDataKey(subject);
      this.#dataKeys.forgotten(subject);
      for (const hook of this.#forgetHooks) await hook(subject, recorder);
      await this.#onForget?.(subject);
      // Last: the scrubbed rows' old bytes leave the database's files too (SQLite's WAL).
      await recorder.eraseFreed?.();
      return deleted;
    });
  }

  /**
   * @internal Adds work `forget` runs after deleting a key: the projection runners of this
   * application register their projections' `forget` here while they are open. Returns the
   * function that removes it again.
   */
  onForgetting(hook: (subject: string, recorder: Recorder) => Promise<void>): () => void {
    this.#forgetHooks.push(hook);
    return () => {
      const at = this.#forgetHooks.indexOf(hook);
      if (at >= 0) this.#forgetHooks.splice(at, 1);
    };
  }

  /**
   * @internal Marks subjects forgotten in this application's key cache at once: a projection
   * runner that learned of forgets made elsewhere (another process, the CLI) reads their events
   * redacted from now on, not only once the cached key's TTL ran out.
   */
  noteForgotten(subjects: Iterable<string>): void {
    for (const subject of subjects) this.#dataKeys.forgotten(subject);
  }

  /**
   * The topics of the events this application stores: those of its domains' aggregates and of
   * the aggregate classes it has repositories for. What a follower of it can read.
   */
  eventTopics(): string[] {
    return this.#topics.aggregates().flatMap((aggregate) => aggregate.events.map((event) => event.topic));
  }

  /** The snapshot interval in force for an aggregate class; undefined = no automatic snapshots. */
  snapshotInterval(cls: AggregateClass<AnyAggregate>): number | undefined {
    return this.#intervals.of(descriptorOfClass(cls));
  }

  /**
   * Stops taking work (new calls fail with `ClosedError`), waits until every save, load and log
   * read in flight has finished or failed, then releases the store (unless it was given in the
   * options). Safe to call again: every call resolves once the store is released.
   */
  close(): Promise<void> {
    return this.#gate.close(async () => {
      const opening = this.#opening;
      this.#opening = undefined;
      const recorder = await opening?.catch(() => undefined);
      await recorder?.close();
    });
  }

  /**
   * Refuses events (and a snapshot) whose personal fields hold values when nothing can encrypt
   * them and the application has not allowed storing them unencrypted (docs/personal-data.md).
   */
  #refuseUnencrypted(
    descriptor: AggregateDescriptor,
    events: readonly DomainEvent[],
    snapshot: AggregateSnapshot<unknown> | undefined,
    encoded: readonly (JsonValue | undefined)[] = [],
  ): void {
    if (this.#mapper.encryptsPersonalData || this.config.personalData === 'clear' || !declaresPersonalData(descriptor))
      return;
    events.forEach((event, i) => {
      const { codec, wire } = this.#mapper.eventWire(descriptor, event, encoded[i]);
      const fields = personalValuesIn(codec.personal, wire);
      if (fields.length > 0)
        throw clearStorageRefused(
          `event ${descriptor.topic}.${event.type} (stream ${event.originatorId}, version ${event.originatorVersion})`,
          fields,
        );
    });
    if (snapshot === undefined || descriptor.state.personal === undefined) return;
    const fields = personalValuesIn(descriptor.state.personal, descriptor.state.encode(snapshot.state));
    if (fields.length > 0)
      throw clearStorageRefused(
        `the snapshot of ${descriptor.name} ${snapshot.id} at version ${snapshot.version}`,
        fields,
      );
  }

  /** Appends the batches' events; undefined when there was nothing to append. */
  async #append(
    recorder: Pick<TransactionWrites, 'append'>,
    batches: readonly SaveBatch[],
    tracking: Tracking | undefined,
    keys: { keyOf: Parameters<Mapper['toStoredEvent']>[3]; dataKeys: AppendOptions['dataKeys'] } | undefined,
    stored = storedEventsOf(this.#mapper, batches, keys?.keyOf),
  ): Promise<bigint[] | undefined> {
    if (stored.length === 0 && tracking === undefined) return undefined;
    const options: AppendOptions = {
      ...(tracking === undefined ? {} : { tracking }),
      ...(keys?.dataKeys === undefined || keys.dataKeys.length === 0 ? {} : { dataKeys: keys.dataKeys }),
    };
    return recorder.append(stored, options);
  }

  /**
   * Appends with the data keys the personal fields need: loaded, or made and stored with the
   * events. Another writer making a subject's key first refuses the append; then the key is
   * read and the save tried again.
   */
  async #appendWithDataKeys(
    recorder: Recorder,
    writes: TransactionWrites,
    batches: readonly SaveBatch[],
    tracking: Tracking | undefined,
    inCallersTransaction: boolean,
  ): Promise<{ ids: bigint[] | undefined; keyOf: KeyOf }> {
    const eventSubjects = new Set<string>();
    const stateSubjects = new Set<string>();
    for (const { aggregate, descriptor, events, encoded, snapshotDue } of batches) {
      events.forEach((event, i) => {
        const { codec, wire } = this.#mapper.eventWire(descriptor, event, encoded[i]);
        const subject = this.#mapper.subjectToSeal(codec, wire, event.originatorId);
        if (subject !== undefined) eventSubjects.add(subject);
      });
      if (snapshotDue && descriptor.state.personal !== undefined) {
        const subject = this.#mapper.snapshotSubject(descriptor, aggregate.takeSnapshot());
        if (subject !== undefined) stateSubjects.add(subject);
      }
    }
    for (let attempt = 1; ; attempt++) {
      // In a caller's transaction the keys are read on its connection, which may be the only one (SQLite).
      const keys = await this.#dataKeys.forSave(inCallersTransaction ? writes : recorder, eventSubjects, stateSubjects);
      try {
        const ids = await this.#append(writes, batches, tracking, { keyOf: keys.keyOf, dataKeys: keys.newKeys });
        // A caller's transaction may still roll back: its new keys are read from the store next time.
        if (!inCallersTransaction) keys.commit();
        return { ids, keyOf: keys.keyOf };
      } catch (error) {
        if (!(error instanceof DataKeyConflictError) || attempt >= 3) throw error;
        this.#dataKeys.invalidate(error.subjects);
      }
    }
  }

  async #save(
    aggregates: readonly AnyAggregate[],
    tracking: Tracking | undefined,
    metadata: EventMetadata | EventMetadataSource | undefined,
    tx: PrismaTransactionClient | undefined,
  ): Promise<bigint[]> {
    // Taken before any await: events triggered while the save is in flight are not part of it.
    const batches: SaveBatch[] = [...new Set(aggregates)].map((aggregate) => {
      const descriptor = descriptorOf(aggregate);
      const events = [...aggregate.pendingEvents];
      const count = events.length;
      const every = this.#intervals.of(descriptor);
      return {
        aggregate,
        descriptor,
        events,
        metadata: typeof metadata === 'function' ? events.map((_, i) => metadata(aggregate, i)) : metadata,
        encoded: [...aggregate.pendingEncodings],
        count,
        snapshotDue:
          count > 0 && every !== undefined && crossesMultiple(aggregate.version - count, aggregate.version, every),
      };
    });
    for (const { aggregate, descriptor, events, encoded, snapshotDue } of batches)
      this.#refuseUnencrypted(descriptor, events, snapshotDue ? aggregate.takeSnapshot() : undefined, encoded);
    const encrypting = this.#mapper.encryptsPersonalData;
    const stored = encrypting ? [] : storedEventsOf(this.#mapper, batches, undefined);
    const recorder = await this.#openRecorder();
    const writes = tx === undefined ? recorder : recorder.within(tx);
    const { ids, keyOf } = encrypting
      ? await this.#appendWithDataKeys(recorder, writes, batches, tracking, tx !== undefined)
      : { ids: await this.#append(writes, batches, tracking, undefined, stored), keyOf: undefined };
    if (ids === undefined) return [];
    const unsaved: string[] = [];
    const due: { label: string; snapshot: StoredSnapshot }[] = [];
    // No await in this loop: every aggregate forgets its stored events, and its snapshot is cut at
    // the stored version, before anything can interleave or fail.
    for (const { aggregate, descriptor, count } of batches) {
      if (count === 0) continue;
      // Events triggered while the append was in flight were not stored; say so rather than lose them quietly.
      if (aggregate.collectEvents().length > count) {
        unsaved.push(`${descriptor.name} ${aggregate.id}`);
        continue; // its state includes unstored events: no snapshot of it
      }
      const every = this.#intervals.of(descriptor);
      if (every !== undefined && crossesMultiple(aggregate.version - count, aggregate.version, every)) {
        due.push({
          label: `${descriptor.name} ${aggregate.id} at version ${aggregate.version}`,
          snapshot: this.#mapper.toStoredSnapshot(descriptor, aggregate.takeSnapshot(), new Date(), keyOf),
        });
      }
    }
    for (const { label, snapshot } of due) {
      try {
        await writes.saveSnapshot(snapshot);
      } catch (error) {
        // In the caller's transaction the snapshot is part of it: let the transaction see the failure.
        if (tx !== undefined) throw error;
        throw new EventforgeError(
          `the events were saved, but the snapshot of ${label} could not be stored (${(error as Error).message}); ` +
            'loading replays the events instead; fix the store and take it with app.takeSnapshot',
          { cause: error },
        );
      }
    }
    if (unsaved.length > 0) {
      throw new EventforgeError(
        `${unsaved.join(', ')} changed while being saved: the events triggered during the save were not stored; ` +
          'reload the aggregate and run the command again (await each save before the next command)',
      );
    }
    return ids;
  }
}

/** Saves of an application inside a transaction the caller opened: {@link Application.on}. */
export interface TransactionScope<M extends MetadataShape<M> = EventMetadata> {
  /** As {@link Application.save}, in the caller's transaction. */
  save(...aggregates: AnyAggregate[]): Promise<bigint[]>;
  /** As {@link Application.save} with `options.metadata`, in the caller's transaction. */
  save(...args: [...aggregates: AnyAggregate[], options: SaveOptions<M>]): Promise<bigint[]>;
  /** As {@link Application.saveWithTracking}, in the caller's transaction. */
  saveWithTracking(tracking: Tracking, ...aggregates: AnyAggregate[]): Promise<bigint[]>;
  /** As {@link Application.saveWithTracking} with `options.metadata`, in the caller's transaction. */
  saveWithTracking(
    tracking: Tracking,
    ...args: [...aggregates: AnyAggregate[], options: SaveOptions<M>]
  ): Promise<bigint[]>;
}

/** The data key of a subject, as a save resolved it. */
type KeyOf = Parameters<Mapper['toStoredEvent']>[3];

/** Per aggregate of a save and index of its pending event, that event's metadata (or none). */
export type EventMetadataSource = (aggregate: AnyAggregate, index: number) => EventMetadata | undefined;

/** One aggregate of a save, as it was when the save began. */
interface SaveBatch {
  readonly aggregate: AnyAggregate;
  readonly descriptor: AggregateDescriptor;
  readonly events: readonly DomainEvent[];
  /** Stored with every event, or per event (a process application's batch); undefined: none. */
  readonly metadata: EventMetadata | readonly (EventMetadata | undefined)[] | undefined;
  readonly encoded: readonly (JsonValue | undefined)[];
  readonly count: number;
  readonly snapshotDue: boolean;
}

/** A save's events in their stored form. */
function storedEventsOf(
  mapper: Mapper,
  batches: readonly SaveBatch[],
  keyOf: Parameters<Mapper['toStoredEvent']>[3],
): StoredEvent[] {
  return batches.flatMap(({ descriptor, events, encoded, metadata }) =>
    events.map((e, i) => {
      const stored = mapper.toStoredEvent(descriptor, e, encoded[i], keyOf);
      const m = Array.isArray(metadata) ? (metadata as readonly (EventMetadata | undefined)[])[i] : metadata;
      return m === undefined ? stored : { ...stored, metadata: m as EventMetadata };
    }),
  );
}

/** A save's arguments: its aggregates, and the metadata of its options when the last argument is options. */
function splitOptions<M>(
  operation: string,
  args: readonly (AnyAggregate | SaveOptions<M & MetadataShape<M>>)[],
): { aggregates: AnyAggregate[]; metadata: EventMetadata | undefined } {
  const last = args[args.length - 1];
  if (last === undefined || last instanceof Aggregate)
    return { aggregates: args as AnyAggregate[], metadata: undefined };
  return { aggregates: args.slice(0, -1) as AnyAggregate[], metadata: saveMetadata(operation, last) };
}

/** Whether (before, after] contains a multiple of `every`. */
function crossesMultiple(before: number, after: number, every: number): boolean {
  return Math.floor(after / every) > Math.floor(before / every);
}

function descriptorOfClass(cls: AggregateClass<AnyAggregate>): AggregateDescriptor {
  const descriptor = (cls as { descriptor?: AggregateDescriptor }).descriptor;
  if (descriptor === undefined) {
    throw new EventforgeError(
      `class ${cls.name} has no static descriptor: repositories load generated aggregate classes and their subclasses`,
    );
  }
  return descriptor;
}

function descriptorOf(aggregate: AnyAggregate): AggregateDescriptor {
  return descriptorOfClass(aggregate.constructor as AggregateClass<AnyAggregate>);
}

/** The configuration an application runs with; `store` is `given` when a recorder was passed in. */
export type ApplicationConfig = Omit<RuntimeConfig, 'store'> & {
  readonly store:
    | StoreConfig
    | { readonly kind: 'given' }
    | { readonly kind: 'adapter'; readonly provider: SqlDriverAdapterFactory['provider'] };
};

/** Options win over the environment. */
function applyOptions(config: RuntimeConfig, options: ApplicationOptions): ApplicationConfig {
  const keyOf = (key: Uint8Array | string, source: string) =>
    checkCipherKey(typeof key === 'string' ? Buffer.from(key, 'base64') : key, source);
  const cipherKey =
    options.cipherKey === undefined ? config.cipherKey : keyOf(options.cipherKey, 'the cipherKey option');
  const previousCipherKeys =
    options.previousCipherKeys === undefined
      ? config.previousCipherKeys
      : options.previousCipherKeys.map((key, i) => keyOf(key, `the previousCipherKeys option (key ${i + 1})`));
  if (previousCipherKeys.length > 0 && cipherKey === undefined) {
    throw new ConfigurationError(
      'previous cipher keys are configured but no current one; set EVENTFORGE_CIPHER_KEY (or the cipherKey option) to the key to write with',
    );
  }
  let compression = config.compression;
  if (options.compression !== undefined) {
    if (options.compression !== 'deflate' && options.compression !== 'none') {
      throw new ConfigurationError(
        `the compression option is ${String(options.compression)}; expected deflate or none`,
      );
    }
    compression = options.compression === 'deflate' ? 'deflate' : undefined;
  }
  const unboundPayloads = options.unboundPayloads ?? config.unboundPayloads;
  if (unboundPayloads !== 'accept' && unboundPayloads !== 'refuse') {
    throw new ConfigurationError(`the unboundPayloads option is ${String(unboundPayloads)}; expected accept or refuse`);
  }
  // Without a key nothing is bound, so refusing unbound payloads would refuse every one.
  if (unboundPayloads === 'refuse' && cipherKey === undefined) {
    throw new ConfigurationError(
      'unbound payloads are refused, but no cipher key is configured; set EVENTFORGE_CIPHER_KEY (or the cipherKey option)',
    );
  }
  const store: ApplicationConfig['store'] =
    options.recorder !== undefined
      ? { kind: 'given' }
      : options.adapter !== undefined
        ? { kind: 'adapter', provider: options.adapter.provider }
        : config.store;
  const personalData =
    options.personalData === undefined
      ? config.personalData
      : readPersonalData(options.personalData, 'the personalData option');
  return { ...config, store, cipherKey, previousCipherKeys, compression, unboundPayloads, personalData };
}
