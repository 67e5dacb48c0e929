/**
 * Event metadata on the way into a save: what a caller attaches (`app.save(order, { metadata })`)
 * checked and cleaned, and what a process application gives each event it saves while processing
 * (the upstream event's metadata, with its causation and correlation).
 */
import { RecorderArgumentError } from './errors.js';
import type { EventMetadata } from './recorder.js';
import { checkMetadata } from './recorder-arguments.js';

/**
 * The metadata a save may carry: an object type whose values are strings (optional keys allowed).
 * @example class Shop extends Application<{ userId: string; requestId?: string }> { … }
 */
export type MetadataShape<M> = { readonly [K in keyof M]?: string };

/** Options of `app.save(...aggregates, options)`. */
export interface SaveOptions<M extends MetadataShape<M> = EventMetadata> {
  /** Stored with every event of the save (in the clear: ids and names, never personal data). */
  readonly metadata?: M;
}

/**
 * A save's options, checked: only `metadata`, a plain object of strings (keys whose value is
 * undefined are left out). The metadata to store, or undefined when there is none.
 */
export function saveMetadata(operation: string, options: unknown): EventMetadata | undefined {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new RecorderArgumentError(
      operation,
      'options',
      'an object such as { metadata: { userId } }',
      String(options),
    );
  }
  const unknown = Object.keys(options).find((key) => key !== 'metadata');
  if (unknown !== undefined) {
    throw new RecorderArgumentError(operation, `options.${unknown}`, 'absent (known: metadata)', 'a value');
  }
  const given = (options as SaveOptions).metadata;
  if (given === undefined) return undefined;
  // Optional keys left undefined are dropped, as JSON would drop them.
  const metadata =
    typeof given === 'object' && given !== null && Object.values(given).includes(undefined)
      ? Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined))
      : given;
  checkMetadata(operation, 'options.metadata', metadata);
  return Object.keys(metadata).length === 0 ? undefined : (metadata as EventMetadata);
}

/**
 * The metadata of an event a process application saves while processing `upstream`'s event
 * `notificationId`: the upstream event's own metadata (a user id travels down the chain), its
 * causation that event, its correlation the one the chain began with.
 */
export function processedMetadata(upstream: string, notificationId: bigint, cause: EventMetadata): EventMetadata {
  const causationId = `${upstream}:${notificationId}`;
  return { ...cause, causationId, correlationId: cause.correlationId ?? causationId };
}
