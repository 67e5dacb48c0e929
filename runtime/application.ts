import { runAfterSave } from './after-save.js';
import type { AggregateClass, AggregateDescriptor, DomainDescriptor } from './codec.js';
import { ClosingGate } from './closing-gate.js';
import { readConfig, type RuntimeConfig, type StoreConfig } from './config.js';
import { ConfigurationError, EventforgeError } from './errors.js';
import { Mapper } from './mapper.js';
import { NotificationLog } from './notification-log.js';
import { openRecorder } from './open-recorder.js';
import { checkCipherKey } from './payload-envelope.js';
import type { Recorder, StoredSnapshot, Tracking } from './recorder.js';
import { Repository, type AnyAggregate, type StoreAccess } from './repository.js';
import { SnapshotIntervals } from './snapshot-intervals.js';
import { TopicRegistry } from './topics.js';

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
 * raised by the constructor.
 */
export class Application {
  /** The application's name, e.g. `DogSchool`. */
  readonly name: string;
  /** The application's events in stored order, decoded. */
  readonly log: NotificationLog;
  /** What the environment (and options) configured. */
  readonly config: ApplicationConfig;

  readonly #topics: TopicRegistry;
  readonly #mapper: Mapper;
  readonly #intervals: SnapshotIntervals;
  readonly #givenRecorder: Recorder | undefined;
  readonly #repositories = new Map<AggregateClass<AnyAggregate>, Repository<AnyAggregate>>();
  readonly #store: StoreAccess;
  readonly #gate: ClosingGate;
  #opening: Promise<Recorder> | undefined;

  /** Reads the configuration (options, then the environment); throws `ConfigurationError` for a bad setting. */
  constructor(options: ApplicationOptions = {}) {
    this.name = options.name ?? new.target.name;
    const env = options.env ?? process.env;
    // With a recorder given, DATABASE_URL is irrelevant and must not be able to fail the construction.
    this.config = applyOptions(
      readConfig(options.recorder === undefined ? env : { ...env, DATABASE_URL: 'memory:' }),
      options,
    );
    this.#topics = new TopicRegistry(options.domains ?? []);
    this.#mapper = new Mapper(this.#topics, {
      compression: this.config.compression,
      cipherKey: this.config.cipherKey,
      refuseUnbound: this.config.unboundPayloads === 'refuse',
      previousKeys: this.config.previousCipherKeys,
    });
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
      if (store.kind === 'given') throw new EventforgeError('unreachable: a given recorder is returned above');
      this.#opening = openRecorder(store);
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
  async save(...aggregates: AnyAggregate[]): Promise<bigint[]> {
    const ids = await this.#gate.run(() => this.#save(aggregates, undefined));
    await runAfterSave(this);
    return ids;
  }

  /**
   * Like `save`, and records in the same transaction that this application processed the
   * upstream notification `tracking` names (exactly-once processing). A save whose tracking
   * position is not above the last one of its (application, upstream), e.g. the same record a
   * second time, fails with `IntegrityError` and stores nothing.
   */
  async saveWithTracking(tracking: Tracking, ...aggregates: AnyAggregate[]): Promise<bigint[]> {
    const ids = await this.#gate.run(() => this.#save(aggregates, tracking));
    await runAfterSave(this);
    return ids;
  }

  /**
   * Takes a snapshot of the aggregate at `version` (the latest when absent) and stores it.
   * Returns the version the snapshot holds.
   */
  async takeSnapshot<A extends AnyAggregate>(cls: AggregateClass<A>, id: string, version?: number): Promise<number> {
    const repository = this.repository(cls);
    return this.#store.use(async (recorder) => {
      const aggregate = await repository.load(recorder, id, version === undefined ? {} : { version });
      await recorder.saveSnapshot(this.#mapper.toStoredSnapshot(cls.descriptor, aggregate.takeSnapshot()));
      return aggregate.version;
    });
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

  async #save(aggregates: readonly AnyAggregate[], tracking: Tracking | undefined): Promise<bigint[]> {
    const batches = [...new Set(aggregates)].map((aggregate) => {
      const descriptor = descriptorOf(aggregate);
      const events = aggregate.pendingEvents;
      const encoded = aggregate.pendingEncodings;
      const stored = events.map((e, i) => this.#mapper.toStoredEvent(descriptor, e, encoded[i]));
      return { aggregate, descriptor, count: events.length, stored };
    });
    const stored = batches.flatMap((b) => b.stored);
    if (stored.length === 0 && tracking === undefined) return [];
    const recorder = await this.#openRecorder();
    const ids = await recorder.append(stored, tracking === undefined ? {} : { tracking });
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
          snapshot: this.#mapper.toStoredSnapshot(descriptor, aggregate.takeSnapshot()),
        });
      }
    }
    for (const { label, snapshot } of due) {
      try {
        await recorder.saveSnapshot(snapshot);
      } catch (error) {
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
  readonly store: StoreConfig | { readonly kind: 'given' };
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
  const store: ApplicationConfig['store'] = options.recorder !== undefined ? { kind: 'given' } : config.store;
  return { ...config, store, cipherKey, previousCipherKeys, compression, unboundPayloads };
}
