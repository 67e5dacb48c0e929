/**
 * Configuration from the environment, as the Python library does it: the same code runs on
 * the in-memory store in tests, the embedded SQLite file by default, and PostgreSQL in
 * production, chosen by `DATABASE_URL`.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from './errors.js';
import { checkCipherKey } from './payload-envelope.js';

/** Where events are stored. */
export type StoreConfig =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly filename: string }
  | { readonly kind: 'postgresql'; readonly url: string };

/** Everything the environment can configure. */
export interface RuntimeConfig {
  readonly store: StoreConfig;
  /**
   * Snapshot intervals by aggregate name (`Dog`), topic (`DogSchool.Dog`) or `*` (all);
   * `null` turns snapshotting off for that aggregate.
   */
  readonly snapshotEvery: ReadonlyMap<string, number | null>;
  readonly cipherKey: Uint8Array | undefined;
  /** Keys older payloads may still be encrypted with: read, never written (key rotation). */
  readonly previousCipherKeys: readonly Uint8Array[];
  readonly compression: 'deflate' | undefined;
  /** Whether payloads not bound to their record load (`accept`, the default) or fail (`refuse`). */
  readonly unboundPayloads: 'accept' | 'refuse';
  /** Wraps the data keys of personal fields (docs/personal-data.md). */
  readonly masterKey: Uint8Array | undefined;
  /** Master keys data keys may still be wrapped with: unwrap only (rotation). */
  readonly previousMasterKeys: readonly Uint8Array[];
  /**
   * `encrypted` (the default): personal fields are stored only encrypted, and a save carrying
   * them without a master key (or key provider) is refused. `clear`: without a key they are
   * stored like the rest of the payload — for development and tests (docs/personal-data.md).
   */
  readonly personalData: PersonalDataStorage;
}

/** How personal fields may be stored when no master key or key provider is configured. */
export type PersonalDataStorage = 'encrypted' | 'clear';

/** The environment variables eventforge reads. */
export const ENVIRONMENT_VARIABLES = {
  DATABASE_URL:
    'unset → SQLite file ./eventforge.sqlite; file:<path> → SQLite; postgresql://… or postgres://… → PostgreSQL; memory: → in memory',
  EVENTFORGE_SQLITE_FILE: 'the SQLite file used when DATABASE_URL is unset (default ./eventforge.sqlite)',
  EVENTFORGE_SNAPSHOT_EVERY:
    'snapshot intervals, e.g. Dog:50,User:10 (name or topic, or * for all; a positive integer or off)',
  EVENTFORGE_CIPHER_KEY: 'base64 of a 32-byte key: encrypts stored payloads with AES-256-GCM',
  EVENTFORGE_CIPHER_PREVIOUS_KEYS:
    'comma-separated base64 keys payloads may still be encrypted with: read, never written (key rotation)',
  EVENTFORGE_COMPRESSION: 'deflate compresses stored payloads; none (or unset) does not',
  EVENTFORGE_MASTER_KEY: 'base64 of a 32-byte key: wraps the per-subject data keys that encrypt personal (pii) fields',
  EVENTFORGE_MASTER_PREVIOUS_KEYS:
    'comma-separated base64 master keys data keys may still be wrapped with: unwrap only (rotation, eventforge rewrap-keys)',
  EVENTFORGE_PERSONAL_DATA:
    'clear: without a master key, store personal (pii) fields unencrypted (development, tests); encrypted (or unset) refuses such saves',
  EVENTFORGE_UNBOUND_PAYLOADS:
    'refuse: with a cipher key, payloads not bound to their record (older or unencrypted) fail to load; accept (or unset) loads them',
} as const;

/** The default SQLite file, relative to the working directory. */
export const DEFAULT_SQLITE_FILE = './eventforge.sqlite';

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and checks the configuration; throws `ConfigurationError` naming the variable at fault. */
export function readConfig(env: Env = process.env): RuntimeConfig {
  return {
    store: readStore(env),
    snapshotEvery: readSnapshotEvery(env['EVENTFORGE_SNAPSHOT_EVERY']),
    cipherKey: readCipherKey(env['EVENTFORGE_CIPHER_KEY']),
    previousCipherKeys: readPreviousCipherKeys(env['EVENTFORGE_CIPHER_PREVIOUS_KEYS']),
    compression: readCompression(env['EVENTFORGE_COMPRESSION']),
    unboundPayloads: readUnboundPayloads(env['EVENTFORGE_UNBOUND_PAYLOADS']),
    masterKey: readCipherKey(env['EVENTFORGE_MASTER_KEY'], 'EVENTFORGE_MASTER_KEY'),
    previousMasterKeys: readPreviousCipherKeys(
      env['EVENTFORGE_MASTER_PREVIOUS_KEYS'],
      'EVENTFORGE_MASTER_PREVIOUS_KEYS',
    ),
    personalData: readPersonalData(env['EVENTFORGE_PERSONAL_DATA']),
  };
}

/** The store `DATABASE_URL` (and `EVENTFORGE_SQLITE_FILE`) select. */
export function readStore(env: Env = process.env): StoreConfig {
  const url = env['DATABASE_URL']?.trim();
  if (url === undefined || url === '') {
    const file = env['EVENTFORGE_SQLITE_FILE']?.trim();
    return { kind: 'sqlite', filename: resolve(file === undefined || file === '' ? DEFAULT_SQLITE_FILE : file) };
  }
  if (url === 'memory:' || url === 'memory://') return { kind: 'memory' };
  if (url.startsWith('file:')) return { kind: 'sqlite', filename: sqliteFilename(url) };
  if (url.startsWith('postgresql://') || url.startsWith('postgres://')) {
    try {
      const parsed = new URL(url);
      if (parsed.hostname === '' && !parsed.searchParams.has('host')) throw new Error('no host');
    } catch {
      throw new ConfigurationError(
        `DATABASE_URL is not a valid PostgreSQL URL (${redact(url)}); expected postgresql://user:password@host:port/database`,
      );
    }
    return { kind: 'postgresql', url };
  }
  throw new ConfigurationError(
    `DATABASE_URL=${redact(url)} is not supported; use file:<path> (SQLite), postgresql://… (PostgreSQL) or memory: (in memory), or leave it unset for ${DEFAULT_SQLITE_FILE}`,
  );
}

/** `file:./dev.db`, `file:/abs/dev.db`, `file:///abs/dev.db` → an absolute path (query strings dropped). */
function sqliteFilename(url: string): string {
  const withoutQuery = url.split('?')[0]!;
  let path: string;
  if (withoutQuery.startsWith('file://')) {
    try {
      path = fileURLToPath(withoutQuery);
    } catch (error) {
      throw new ConfigurationError(`DATABASE_URL=${url} is not a valid file URL: ${(error as Error).message}`);
    }
  } else {
    path = withoutQuery.slice('file:'.length);
  }
  if (path === '') throw new ConfigurationError('DATABASE_URL=file: names no file; use e.g. file:./eventforge.sqlite');
  return isAbsolute(path) ? path : resolve(path);
}

/** `Dog:50,DogSchool.User:10,*:100,Order:off` → a map. */
export function readSnapshotEvery(value: string | undefined): Map<string, number | null> {
  const intervals = new Map<string, number | null>();
  if (value === undefined || value.trim() === '') return intervals;
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const match = /^(\*|[A-Za-z_][\w.]*):\s*(\S+)$/.exec(entry);
    const name = match?.[1];
    const every = match?.[2];
    if (name === undefined || every === undefined) {
      throw new ConfigurationError(
        `EVENTFORGE_SNAPSHOT_EVERY: "${entry}" is not <aggregate>:<interval>; expected e.g. Dog:50,User:10 (or *:100, Order:off)`,
      );
    }
    if (intervals.has(name)) throw new ConfigurationError(`EVENTFORGE_SNAPSHOT_EVERY names ${name} twice`);
    if (every === 'off' || every === 'never') {
      intervals.set(name, null);
    } else if (/^[1-9]\d*$/.test(every) && Number.isSafeInteger(Number(every))) {
      intervals.set(name, Number(every));
    } else {
      throw new ConfigurationError(
        `EVENTFORGE_SNAPSHOT_EVERY: the interval of ${name} is "${every}"; expected a positive integer or off`,
      );
    }
  }
  return intervals;
}

/** Base64 of 32 bytes, or unset. */
export function readCipherKey(value: string | undefined, source = 'EVENTFORGE_CIPHER_KEY'): Uint8Array | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new ConfigurationError(
      `${source} is not base64; expected the base64 of 32 random bytes, e.g. from \`node -e "console.log(crypto.randomBytes(32).toString('base64'))"\``,
    );
  }
  return checkCipherKey(Buffer.from(text, 'base64'), source);
}

/** Comma-separated base64 keys, or unset. */
export function readPreviousCipherKeys(
  value: string | undefined,
  source = 'EVENTFORGE_CIPHER_PREVIOUS_KEYS',
): Uint8Array[] {
  return (value ?? '')
    .split(',')
    .map((entry, i) => readCipherKey(entry, `${source} (key ${i + 1})`))
    .filter((key) => key !== undefined);
}

/** `deflate`, `none` or unset. */
export function readCompression(value: string | undefined): 'deflate' | undefined {
  const text = value?.trim().toLowerCase();
  if (text === undefined || text === '' || text === 'none') return undefined;
  if (text === 'deflate') return 'deflate';
  throw new ConfigurationError(`EVENTFORGE_COMPRESSION=${value} is not supported; expected deflate or none`);
}

/** `accept`, `refuse` or unset (accept). */
export function readUnboundPayloads(value: string | undefined): 'accept' | 'refuse' {
  const text = value?.trim().toLowerCase();
  if (text === undefined || text === '' || text === 'accept') return 'accept';
  if (text === 'refuse') return 'refuse';
  throw new ConfigurationError(`EVENTFORGE_UNBOUND_PAYLOADS=${value} is not supported; expected accept or refuse`);
}

/** `encrypted`, `clear` or unset (encrypted). */
export function readPersonalData(value: string | undefined, source = 'EVENTFORGE_PERSONAL_DATA'): PersonalDataStorage {
  const text = value?.trim().toLowerCase();
  if (text === undefined || text === '' || text === 'encrypted') return 'encrypted';
  if (text === 'clear') return 'clear';
  throw new ConfigurationError(
    `${source}=${value} is not supported; expected encrypted (the default: personal fields are stored only encrypted) or clear (development and tests)`,
  );
}

/** Hides a password in a URL shown in an error message. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
