/**
 * eventforge's runtime: what applications import (`eventforge/runtime`). An allow-list: only
 * what is exported here is public. The helpers only generated code calls are in internal.ts
 * (`eventforge/runtime/internal`).
 */
export type { DomainEvent } from './events.js';
// Decimal fields are decimal.js values; re-exported so applications and generated code need no
// dependency of their own (and get the very class the runtime's codecs construct).
export { Decimal } from 'decimal.js';
export type {
  AggregateClass,
  AggregateDescriptor,
  DomainDescriptor,
  EventDescriptor,
  EventOf,
  JsonValue,
  PayloadCodec,
  PersonalField,
  PersonalFields,
  PersonalInner,
  StateOf,
} from './codec.js';
export { REDACTED, isRedacted, type Redacted } from './personal/redacted.js';
export { masterKeyProvider, type KeyProvider } from './personal/key-provider.js';
export type { DataKeyCacheOptions } from './personal/data-keys.js';
export { rewrapDataKeys, type RewrapReport } from './personal/rewrap-keys.js';
export { Aggregate, type AggregateSnapshot } from './aggregate.js';
export {
  AggregateDiscardedError,
  AggregateNotFoundError,
  ClosedError,
  ConcurrencyError,
  ConfigurationError,
  DataKeyConflictError,
  DataKeyError,
  DecodeError,
  DecryptionError,
  EventforgeError,
  ForgottenSubjectError,
  FencedError,
  IntegrityError,
  PolicyError,
  ProjectionError,
  RecorderArgumentError,
  StoppedError,
  TimeoutError,
  StorageFullError,
  StoreUnavailableError,
  SystemError,
  UnknownSchemaVersionError,
  UnknownTopicError,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
export type {
  AppendOptions,
  EventMetadata,
  NewDataKey,
  Notification,
  ParkedEvent,
  ParkedEventKey,
  ReadNotificationsOptions,
  ReadStreamOptions,
  Recorder,
  StoredDataKey,
  RecorderTransaction,
  PrismaTransactionClient,
  TransactionWrites,
  SqlValue,
  StoredEvent,
  StoredSnapshot,
  Tracking,
  TransactionOptions,
  ForgetLedger,
  ForgottenSubject,
} from './recorder.js';
export type { MetadataShape, SaveOptions } from './metadata.js';
export { MemoryRecorder, createMemoryRecorder, type MemoryRecorderOptions } from './memory-recorder.js';
export { withArgumentChecks } from './checked-recorder.js';
export { MAX_NAME_BYTES, MAX_POSITION, MAX_TOPICS, MAX_VERSION } from './recorder-arguments.js';
export { Mapper, type MappedEvent, type MappedSnapshot } from './mapper.js';
export { TopicRegistry, type EventTopic } from './topics.js';
export { generateCipherKey, type PayloadLayers } from './payload-envelope.js';
export {
  DEFAULT_SQLITE_FILE,
  ENVIRONMENT_VARIABLES,
  readConfig,
  type PersonalDataStorage,
  type RuntimeConfig,
  type StoreConfig,
} from './config.js';
export { openRecorder } from './open-recorder.js';
export {
  Application,
  type ApplicationConfig,
  type ApplicationOptions,
  type TransactionScope,
} from './application.js';
export { Repository, type AnyAggregate, type GetOptions } from './repository.js';
export { NotificationLog, type LoggedEvent, type SelectOptions } from './notification-log.js';
export { newAggregateId } from './ids.js';
export { Subscription, type LogBatch, type SubscribeOptions } from './subscription.js';
export type { LogSignal, LogSignalOptions } from './log-signal.js';
export {
  PROJECTION_UPSTREAM,
  ProjectionRunner,
  type Projection,
  type ProjectionRunnerOptions,
  type ProjectionState,
  type WaitOptions,
} from './projection.js';
export { LogFollower, type FollowerOptions, type FollowerState } from './follower.js';
export {
  on,
  onEvery,
  type AllEventHandlers,
  type EventHandlers,
  type Policy,
  type PolicyHandler,
  type PolicyRule,
  type Processing,
} from './system/policy.js';
export { type FollowOptions, ProcessApplication } from './system/process-application.js';
export { System, type ApplicationClass, type ProjectionClass, type SystemEdge } from './system/system.js';
export {
  ConcurrentRunner,
  SingleThreadedRunner,
  type FollowerHandle,
  type FollowerStatus,
  type RunnerOptions,
} from './system/runners.js';
export { applicationOptionsFromEnv } from './system/application-stores.js';
export { type Lease, Leases } from './system/leases.js';
export { type Partition, partitionOf } from './system/partitions.js';
export { leaseStoreOf, type Partitions, type SystemSlot, systemSlots } from './system/slots.js';
export { type SlotStatus, type SystemStatusReport, systemStatus } from './system/system-status.js';
export { Worker, type WorkerOptions, type WorkerSlotStatus } from './system/worker.js';
export { WorkerFollower, WorkerRunner, type WorkerRunnerOptions } from './system/worker-runner.js';
export {
  MemoryViewStore,
  SqlViewStore,
  ViewError,
  ViewProjection,
  postgresConnection,
  sqliteConnection,
  type PostgresClientLike,
  type SqlExecutor,
  type SqliteDatabaseLike,
  type ViewAppend,
  type ViewColumn,
  type ViewColumnType,
  type ViewDefinition,
  type ViewHandler,
  type ViewInsert,
  type ViewOperation,
  type ViewOperationKind,
  type ViewProvider,
  type ViewStore,
  type ViewTransaction,
  type ViewValue,
} from './views.js';
