/** Base class of every error the runtime raises on purpose. */
export class EventforgeError extends Error {
  override readonly name: string = 'EventforgeError';
}

/** An append found a stream already at or past a version it was about to write. */
export class ConcurrencyError extends EventforgeError {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly streamId: string,
    /** The version the writer expected the stream to be at before its events. */
    readonly expectedVersion: number,
    /** The stream's actual version, when the store knows it cheaply. */
    readonly actualVersion?: number,
  ) {
    super(
      `stream ${streamId} was changed concurrently: expected version ${expectedVersion}` +
        (actualVersion === undefined ? '' : `, found ${actualVersion}`) +
        '; reload the aggregate and retry the command',
    );
  }
}

/** No aggregate with this id (or it was discarded). */
export class AggregateNotFoundError extends EventforgeError {
  override readonly name = 'AggregateNotFoundError';
  constructor(
    readonly aggregate: string,
    readonly id: string,
    readonly version?: number,
  ) {
    super(`${aggregate} ${id} not found` + (version === undefined ? '' : ` at version ${version}`));
  }
}

/** A command was called on an aggregate that a discarding event ended. */
export class AggregateDiscardedError extends EventforgeError {
  override readonly name = 'AggregateDiscardedError';
  constructor(
    readonly aggregate: string,
    readonly id: string,
  ) {
    super(`${aggregate} ${id} was discarded; it accepts no more events`);
  }
}

/** Stored data does not fit the type the code expects. */
export class DecodeError extends EventforgeError {
  override readonly name = 'DecodeError';
  constructor(
    /** `DogSchool.Dog.TrickAdded` */
    readonly topic: string,
    readonly schemaVersion: number,
    /** Field path, e.g. `trick.level` or `tricks[2].name`; empty for the payload itself. */
    readonly path: string,
    readonly problem: string,
    /** The stored record's stream, when known (the mapper adds it). */
    readonly streamId?: string,
    readonly streamVersion?: number,
  ) {
    super(
      `cannot decode ${topic} v${schemaVersion}${path ? ` at ${path}` : ''}: ${problem}` +
        (streamId === undefined ? '' : ` (stream ${streamId}, version ${streamVersion})`),
    );
  }
}

/** A stored event or snapshot was written by newer code than this (or by code that never existed). */
export class UnknownSchemaVersionError extends EventforgeError {
  override readonly name = 'UnknownSchemaVersionError';
  constructor(
    readonly topic: string,
    readonly schemaVersion: number,
    readonly knownVersion: number,
    readonly streamId?: string,
    readonly streamVersion?: number,
  ) {
    super(
      `${topic} stored at schema version ${schemaVersion}` +
        (streamId === undefined ? '' : ` (stream ${streamId}, version ${streamVersion})`) +
        `, but this code knows versions 1..${knownVersion}; deploy the newer code before reading it`,
    );
  }
}

/** A stored record names a topic that no registered domain declares. */
export class UnknownTopicError extends EventforgeError {
  override readonly name = 'UnknownTopicError';
  constructor(
    readonly topic: string,
    readonly streamId?: string,
    readonly streamVersion?: number,
  ) {
    super(
      `unknown topic ${topic}` +
        (streamId === undefined ? '' : ` (stream ${streamId}, version ${streamVersion})`) +
        '; register the domain that declares it with the application',
    );
  }
}

/** One constraint a payload broke. */
export interface ValidationIssue {
  /** Field path, e.g. `name` or `trick.level`. */
  readonly path: string;
  readonly message: string;
}

/** An event's payload broke its declared constraints; no event was queued. */
export class ValidationError extends EventforgeError {
  override readonly name = 'ValidationError';
  constructor(
    /** `DogSchool.Dog.Registered` */
    readonly topic: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(`invalid ${topic}: ` + issues.map((i) => `${i.path || '(payload)'} ${i.message}`).join('; '));
  }
}

/** A configuration value (environment variable or option) is unknown or malformed. */
export class ConfigurationError extends EventforgeError {
  override readonly name = 'ConfigurationError';
}

/**
 * A write would break a rule other than stream versions: a tracking position not above the last
 * one of its (application, upstream), e.g. a tracking record stored twice. Nothing was stored.
 */
export class IntegrityError extends EventforgeError {
  override readonly name: string = 'IntegrityError';
}

/**
 * A commit made under a lease another worker has taken over since (its epoch is below the
 * fence the new owner raised): a worker stalled past its lease. Nothing was stored; the new
 * owner processes from the stored position, so this worker must stop that follower, not retry.
 */
export class FencedError extends IntegrityError {
  override readonly name = 'FencedError';
  constructor(
    readonly application: string,
    readonly upstream: string,
    readonly epoch: bigint,
    readonly fence: bigint,
  ) {
    super(
      `${application} cannot record its batch of ${upstream} under lease epoch ${epoch}: another worker took the ` +
        `lease over (epoch ${fence}) and processes from the stored position, so nothing was stored; this worker ` +
        'stops the follower. If it recurs, the worker stalls longer than its lease: raise --lease-ttl',
    );
  }
}

/**
 * Stored bytes could not be decrypted: the cipher key is wrong or missing, or the bytes were
 * altered (AES-GCM authenticates them). Nothing was decoded.
 */
export class DecryptionError extends EventforgeError {
  override readonly name = 'DecryptionError';
  constructor(
    /** `DogSchool.Dog.TrickAdded`, or the snapshot topic. */
    readonly topic: string,
    readonly streamId: string,
    readonly streamVersion: number,
    readonly problem: string,
  ) {
    super(`cannot decrypt ${topic} (stream ${streamId}, version ${streamVersion}): ${problem}`);
  }
}

/**
 * A recorder was called with an argument outside its contract (docs/persistence.md, "What the
 * recorders accept"). Raised before any store sees the call, so nothing was read or written.
 */
export class RecorderArgumentError extends EventforgeError {
  override readonly name = 'RecorderArgumentError';
  constructor(
    /** The recorder method, e.g. `readStream`. */
    readonly operation: string,
    /** The argument's path, e.g. `options.limit` or `events[2].version`. */
    readonly argument: string,
    /** What the argument must be. */
    readonly rule: string,
    /** What was given, as text. */
    readonly given: string,
  ) {
    super(`${operation}: ${argument} must be ${rule}, got ${given}`);
  }
}

/**
 * The application or recorder was closed (or is closing): it takes no new work. Operations that
 * were already running when `close()` was called still finish.
 */
export class ClosedError extends EventforgeError {
  override readonly name = 'ClosedError';
  constructor(
    /** What was closed, e.g. `application DogSchool` or `the SQLite recorder data/app.db`. */
    readonly closed: string,
  ) {
    super(`${closed} was closed; it takes no new work: open a new one to use the store again`);
  }
}

/**
 * The database could not be reached, or the connection broke during the operation (a restart,
 * a network failure). Retryable: a failed append stored nothing, or (when the connection broke
 * during its commit) it stored everything, and then the retry gets `ConcurrencyError`.
 */
export class StoreUnavailableError extends EventforgeError {
  override readonly name = 'StoreUnavailableError';
  readonly retryable = true;
}

/** The disk holding the store is full. Nothing of the failed write was stored; retry once space is freed. */
export class StorageFullError extends EventforgeError {
  override readonly name = 'StorageFullError';
  readonly retryable = true;
}

/**
 * A projection's handler failed on an event. The projection's position stayed before the event:
 * nothing of the failed batch was applied.
 */
export class ProjectionError extends EventforgeError {
  override readonly name = 'ProjectionError';
  constructor(
    readonly projection: string,
    /** The event's notification id. */
    readonly notificationId: bigint,
    /** `DogSchool.Dog.TrickAdded` */
    readonly topic: string,
    /** How often processing it failed. */
    readonly attempts: number,
    options?: { readonly cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super(
      `projection ${projection} failed on notification ${notificationId} (${topic}) after ${attempts} ` +
        `attempt${attempts === 1 ? '' : 's'}: ${reason}; fix the handler and restart the runner, or ` +
        '`eventforge projections retry` a parked event',
      options,
    );
  }
}

/**
 * A process application's policy failed on an upstream event. Its position stayed before the
 * event: nothing of the failed batch was stored. The event is parked (see `onParked`).
 */
export class PolicyError extends EventforgeError {
  override readonly name = 'PolicyError';
  constructor(
    /** The process application. */
    readonly application: string,
    /** The application it follows. */
    readonly upstream: string,
    /** The upstream event's notification id. */
    readonly notificationId: bigint,
    /** `DogSchool.Dog.TrickAdded` */
    readonly topic: string,
    /** How often processing it failed. */
    readonly attempts: number,
    options?: { readonly cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super(
      `the policy of ${application} failed on notification ${notificationId} of ${upstream} (${topic}) after ` +
        `${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}; the event is parked: fix the policy and ` +
        'restart the runner, or retry the parked event',
      options,
    );
  }
}

/**
 * A system of applications is wrongly built (a follower that cannot follow, an unknown or
 * duplicate application). Raised when the system or its runner is constructed.
 */
export class SystemError extends EventforgeError {
  override readonly name = 'SystemError';
}

/** Waiting took longer than its timeout (e.g. `ProjectionRunner.wait`). Nothing was changed. */
export class TimeoutError extends EventforgeError {
  override readonly name = 'TimeoutError';
}

/** What was waited for cannot happen any more: the runner (or subscription) was stopped. */
export class StoppedError extends EventforgeError {
  override readonly name = 'StoppedError';
}

/**
 * A subject's data key could not be unwrapped: its master key is not configured, or the stored
 * wrapped key was altered or moved from another subject. Nothing was decrypted.
 */
export class DataKeyError extends EventforgeError {
  override readonly name = 'DataKeyError';
  constructor(
    readonly subject: string,
    readonly problem: string,
  ) {
    super(`cannot unwrap the data key of subject ${subject}: ${problem}`);
  }
}

/**
 * New personal data for a subject whose data key was deleted (`app.forget`): refused, so a
 * forgotten person's data is never written again under the old identity. Nothing was stored.
 */
export class ForgottenSubjectError extends EventforgeError {
  override readonly name = 'ForgottenSubjectError';
  constructor(
    readonly subject: string,
    readonly where: string,
  ) {
    super(
      `${where} holds personal data of subject ${subject}, which was forgotten: its data key is deleted, so new personal data of it is refused; give the person a new identity if they return`,
    );
  }
}

/**
 * An append brought a new data key for a subject that has one (another writer created it first)
 * or was forgotten. Nothing was stored; the application reloads the key and retries by itself.
 */
export class DataKeyConflictError extends EventforgeError {
  override readonly name = 'DataKeyConflictError';
  constructor(readonly subjects: readonly string[]) {
    super(
      `the data keys of ${subjects.join(', ')} exist already (created by another writer, or forgotten); nothing was stored`,
    );
  }
}
