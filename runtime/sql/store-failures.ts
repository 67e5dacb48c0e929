/**
 * Recognises the failures an application can wait out — the database unreachable or its
 * connection lost (a restart, a network cut), the disk full — among what the drivers throw, so the
 * recorders can raise them as retryable typed errors.
 */
import { StorageFullError, StoreUnavailableError, type EventforgeError } from '../errors.js';

/** Adapter error kinds (`@prisma/driver-adapter-utils`) that mean no usable connection. */
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed']);
/** Node socket errors that mean the same, when the adapter passes them through raw. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT']);
/** PostgreSQL: the server is shutting down, crashed or starting (57P01–57P03). Class 08 is checked by prefix. */
const SERVER_GOING_AWAY = new Set(['57P01', '57P02', '57P03']);
/** What node-postgres says when a connection ends under a query or a pooled client is dead. */
const LOST_CONNECTION = /Connection terminated|is not queryable|timeout exceeded when trying to connect/;

/** The typed error for a store failure that can be waited out, or undefined for any other error. */
export function storeFailure(error: unknown, store: string): EventforgeError | undefined {
  if (!(error instanceof Error)) return undefined;
  const cause = error.name === 'DriverAdapterError' ? (error as Error & { cause?: AdapterCause }).cause : undefined;
  const code = String(cause?.originalCode ?? (error as { code?: unknown }).code ?? '');
  const detail = typeof cause?.originalMessage === 'string' ? cause.originalMessage : error.message;
  if (code === 'SQLITE_FULL' || code === '53100') {
    return new StorageFullError(
      `${store}: the disk is full (${detail}); nothing of this write was stored: free space, then retry`,
      { cause: error },
    );
  }
  const unavailable =
    UNAVAILABLE_KINDS.has(String(cause?.kind)) ||
    SOCKET_CODES.has(code) ||
    SERVER_GOING_AWAY.has(code) ||
    code.startsWith('08') ||
    (cause === undefined && LOST_CONNECTION.test(error.message));
  if (!unavailable) return undefined;
  return new StoreUnavailableError(
    `${store}: the database is unreachable or the connection was lost (${detail || String(cause?.kind)}); ` +
      'retry: a failed save stored nothing, or everything (then the retry fails with ConcurrencyError)',
    { cause: error },
  );
}

interface AdapterCause {
  readonly kind?: unknown;
  readonly originalCode?: unknown;
  readonly originalMessage?: unknown;
}
