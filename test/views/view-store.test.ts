/**
 * ViewStore on every store: a real SQLite file, a fresh PostgreSQL schema, memory. The view is
 * compiled from a schema with a column of every storable type, and its definition is the one
 * views.ts would hold; each operation's effect is read back with `get`/`all`.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Decimal,
  MemoryViewStore,
  SqlViewStore,
  ViewError,
  postgresConnection,
  sqliteConnection,
  type JsonValue,
  type ViewDefinition,
  type ViewStore,
} from 'eventforge/runtime';
import { compile } from '../../generator/index.js';
import { definitionData } from '../../generator/emit/views/emit-views.js';
import { SchemaPool, TEST_DATABASE_URL, postgresSkipReason } from '../sql/postgres-helpers.js';

const schema = `
domain: Kinds
types:
  Color: { enum: [red, green] }
aggregates:
  Thing:
    state: { fields: { name: string } }
    events:
      Made: { creates: true, fields: { name: string } }
views:
  Everything:
    columns:
      region: string
      id: uuid
      count: { type: int, default: 0 }
      ratio: float
      amount: { type: decimal, default: "0" }
      big: { type: bigint, default: 0 }
      flag: boolean
      at: datetime
      day: date
      blob: bytes
      data: json
      color: Color
      tags: string[]
      amounts: decimal[]
      note: string?
    key: [region, id]
    indexes: [[color]]
    unique: [[id]]
    on:
      Made: { insert: { region: eu, id: $id, ratio: 0.5, flag: true, at: $timestamp, day: "2026-01-01", blob: "AA==", data: 1, color: red } }
`;

interface Row {
  readonly region: string;
  readonly id: string;
  readonly count: number;
  readonly ratio: number;
  readonly amount: Decimal;
  readonly big: bigint;
  readonly flag: boolean;
  readonly at: Date;
  readonly day: string;
  readonly blob: Uint8Array;
  readonly data: JsonValue;
  readonly color: 'red' | 'green';
  readonly tags: readonly string[];
  readonly amounts: readonly Decimal[];
  readonly note: string | null;
}
type Key = Pick<Row, 'region' | 'id'>;

function compiledDefinition(): ViewDefinition<Row, Key> {
  const result = compile({ sources: [{ path: 'kinds.domain.yaml', text: schema }], skipEmit: true });
  const view = result.project?.domains[0]?.views[0];
  if (view === undefined) throw new Error(JSON.stringify(result.diagnostics));
  return definitionData(view) as unknown as ViewDefinition<Row, Key>;
}

const definition = compiledDefinition();
const key = { region: 'eu', id: '7d4c1a3e-0000-4000-8000-000000000001' };
const other = { region: 'eu', id: '7d4c1a3e-0000-4000-8000-000000000002' };
const at = new Date('2026-05-06T07:08:09.123Z');
const full = {
  ...key,
  ratio: 0.25,
  amount: new Decimal('1234567890.123456789'),
  big: 9007199254740993n,
  flag: true,
  at,
  day: '2026-02-28',
  blob: Uint8Array.from([0, 1, 254, 255]),
  data: { nested: [1, 'two', null] },
  color: 'green' as const,
  tags: ['a'],
  amounts: [new Decimal('0.1')],
};

/** The operations every store must do alike. */
function storeContract(open: () => Promise<{ store: ViewStore<Row, Key>; close: () => Promise<void> }>) {
  let close: () => Promise<void> = async () => {};
  afterAll(() => close());

  it('round-trips a row of every type exactly, filling defaults, null and empty lists', async () => {
    const opened = await open();
    close = opened.close;
    const { store } = opened;
    await store.insert(full);
    expect(await store.get(key)).toEqual({ ...full, count: 0, note: null });
    await store.insert({
      ...other,
      ratio: 1,
      flag: false,
      at,
      day: '2026-01-01',
      blob: new Uint8Array(),
      data: null,
      color: 'red',
    });
    const second = await store.get(other);
    expect(second?.amount.equals(0)).toBe(true);
    expect(second?.big).toBe(0n);
    expect(second?.tags).toEqual([]);
    expect(second?.flag).toBe(false);
  });

  it('refuses a second row with the key, and a row without a required value', async () => {
    const { store } = await open();
    await expect(store.insert(full)).rejects.toThrow();
    await expect(store.insert({ region: 'us', id: key.id } as never)).rejects.toThrow(
      new ViewError('view Everything: a new row needs a value for column "ratio" (it has no default)'),
    );
  });

  it('increments and decrements exactly (decimals, bigints), appends to lists, updates and upserts', async () => {
    const { store } = await open();
    expect(await store.increment(key, { count: 2, amount: new Decimal('0.000000001'), big: 2n })).toBe(1);
    expect(await store.decrement(key, { count: 1 })).toBe(1);
    expect(await store.append(key, { tags: 'b', amounts: new Decimal('2.50') })).toBe(1);
    expect(await store.update(key, { note: 'hello', color: 'red' })).toBe(1);
    const row = await store.get(key);
    expect(row?.count).toBe(1);
    expect(row?.amount.toString()).toBe('1234567890.12345679');
    expect(row?.big).toBe(9007199254740995n);
    expect(row?.tags).toEqual(['a', 'b']);
    expect(row?.amounts.map(String)).toEqual(['0.1', '2.5']);
    expect(row?.note).toBe('hello');
    expect(row?.color).toBe('red');
    await store.upsert({ ...key, note: null });
    expect((await store.get(key))?.note).toBe(null);
    expect((await store.get(key))?.count).toBe(1);
    expect(await store.increment({ region: 'nowhere', id: key.id }, { count: 1 })).toBe(0);
  });

  it('deletes by key and lists the rest in key order', async () => {
    const { store } = await open();
    expect(await store.delete(key)).toBe(1);
    expect(await store.delete(key)).toBe(0);
    expect((await store.all()).map((r) => r.id)).toEqual([other.id]);
  });
}

describe('ViewStore on a SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-views-'));
  let db: Database.Database | undefined;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  storeContract(async () => {
    if (db === undefined) {
      db = new Database(join(dir, 'views.sqlite'));
      await new SqlViewStore(definition, sqliteConnection(db)).createTable();
    }
    const opened = db;
    return { store: new SqlViewStore(definition, sqliteConnection(opened)), close: async () => void opened.close() };
  });
});

const skip = await postgresSkipReason();
describe.skipIf(skip !== undefined)(`ViewStore on PostgreSQL${skip ? `: ${skip}` : ''}`, () => {
  const schemas = new SchemaPool('views');
  let client: pg.Client | undefined;
  afterAll(() => schemas.dropAll());
  storeContract(async () => {
    if (client === undefined) {
      client = new pg.Client(TEST_DATABASE_URL);
      await client.connect();
      const name = schemas.next();
      await client.query(`CREATE SCHEMA "${name}"`);
      await client.query(`SET search_path TO "${name}"`);
      await new SqlViewStore(definition, postgresConnection(client)).createTable();
    }
    const opened = client;
    return { store: new SqlViewStore(definition, postgresConnection(opened)), close: () => opened.end() };
  });
});

describe('ViewStore in memory', () => {
  const store = new MemoryViewStore(definition);
  storeContract(async () => ({ store, close: async () => {} }));
});
