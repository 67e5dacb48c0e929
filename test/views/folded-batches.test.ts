/**
 * A batch folded per row (ViewProjection.process on a SQL store) leaves exactly the rows that
 * applying its operations one by one (ViewProjection.apply through a SqlViewStore) leaves: random
 * event sequences in random batches of insert, upsert, update, increment, decrement, list and
 * delete on a few keys, on a real SQLite file and a fresh PostgreSQL schema. A batch that fails
 * one way fails the other way too (and rolls back in both).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Decimal,
  SqlViewStore,
  ViewProjection,
  type LoggedEvent,
  type Recorder,
  type RecorderTransaction,
  type SqlExecutor,
  type ViewDefinition,
  type ViewOperation,
} from '../../runtime/index.js';
import { createPostgresRecorder, createSqliteRecorder } from '../../runtime/sql/index.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from '../sql/postgres-helpers.js';

interface Row {
  readonly k: string;
  readonly n: number;
  readonly d: Decimal;
  readonly s: string | null;
  readonly items: readonly string[];
}
type Key = Pick<Row, 'k'>;

const k = { field: ['key'] };
const handlers: Record<string, readonly ViewOperation[]> = {
  'T.Insert': [{ op: 'insert', values: { k, s: { field: ['text'] } } }],
  'T.Upsert': [{ op: 'upsert', values: { k, s: { field: ['text'] }, n: { field: ['by'] } } }],
  'T.Update': [{ op: 'update', values: { k, s: { field: ['text'] } } }],
  'T.Add': [{ op: 'increment', values: { k, n: { field: ['by'] }, d: { field: ['amount'] } } }],
  'T.Take': [{ op: 'decrement', values: { k, n: { constant: 2 }, d: { field: ['amount'] } } }],
  'T.Append': [{ op: 'list', values: { k, items: { field: ['text'] } } }],
  'T.Delete': [{ op: 'delete', values: { k } }],
  'T.Touch': [
    { op: 'upsert', values: { k } },
    { op: 'increment', values: { k, n: { constant: 1 } } },
    { op: 'list', values: { k, items: { field: ['text'] } } },
  ],
};

function definitionOf(table: string): ViewDefinition<Row, Key> {
  const create = (types: Record<string, string>) =>
    `CREATE TABLE IF NOT EXISTS "${table}" ("k" ${types['text']} NOT NULL, "n" ${types['int']} NOT NULL, "d" ${types['decimal']} NOT NULL, ` +
    `"s" ${types['text']}, "items" ${types['json']} NOT NULL, CONSTRAINT "${table}_pkey" PRIMARY KEY ("k"))`;
  return {
    name: table,
    table,
    shapeHash: 'fold-test',
    columns: [
      { name: 'k', column: 'k', type: 'string', list: false, optional: false },
      { name: 'n', column: 'n', type: 'int', list: false, optional: false, default: 0 },
      { name: 'd', column: 'd', type: 'decimal', list: false, optional: false, default: '0' },
      { name: 's', column: 's', type: 'string', list: false, optional: true },
      { name: 'items', column: 'items', type: 'string', list: true, optional: false },
    ],
    key: ['k'],
    handlers: Object.fromEntries(Object.entries(handlers).map(([t, ops]) => [t, { kind: 'declarative', ops }])),
    ddl: {
      sqlite: [create({ text: 'TEXT', int: 'INTEGER', decimal: 'TEXT', json: 'JSONB' })],
      postgresql: [create({ text: 'text', int: 'integer', decimal: 'numeric', json: 'jsonb' })],
    },
  };
}

class TestView extends ViewProjection<Row, Key> {}

const eventArb = fc.record({
  topic: fc.constantFrom(...Object.keys(handlers)),
  key: fc.constantFrom('a', 'b', 'c', 'd'),
  text: fc.string({ maxLength: 4 }),
  by: fc.integer({ min: -5, max: 5 }),
  amount: fc.constantFrom('0.1', '12345678901234567890.123', '-3', '0.0000000001'),
});
const batchesArb = fc.array(fc.array(eventArb, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 6 });

let nextId = 1n;
function logged(value: { topic: string; key: string; text: string; by: number; amount: string }): LoggedEvent {
  return {
    id: nextId++,
    topic: value.topic,
    aggregate: 'T',
    event: {
      type: value.topic.slice(2),
      originatorId: value.key,
      originatorVersion: 1,
      timestamp: new Date(0),
      data: { key: value.key, text: value.text, by: value.by, amount: new Decimal(value.amount) },
    },
  } as LoggedEvent;
}

function executorOf(tx: RecorderTransaction): SqlExecutor {
  return { provider: tx.provider as 'sqlite' | 'postgresql', execute: tx.execute.bind(tx), query: tx.query.bind(tx) };
}

/** Both ways on the same store, batch by batch; the rows compared (decimals as text). */
async function agrees(recorder: Recorder, runs: number): Promise<void> {
  let round = 0;
  await fc.assert(
    fc.asyncProperty(batchesArb, async (batches) => {
      round++;
      const folded = new TestView(definitionOf(`folded_${round}`));
      const single = new TestView(definitionOf(`single_${round}`));
      await recorder.transaction(async (tx) => {
        await folded.process([], tx);
        await new SqlViewStore(single.definition, executorOf(tx)).createTable();
      });
      for (const batch of batches) {
        const events = batch.map(logged);
        const foldedFailed = await recorder
          .transaction((tx) => folded.process(events, tx))
          .then(
            () => false,
            () => true,
          );
        const singleFailed = await recorder
          .transaction(async (tx) => {
            await single.apply(events, new SqlViewStore(single.definition, executorOf(tx)), tx);
          })
          .then(
            () => false,
            () => true,
          );
        expect(foldedFailed).toBe(singleFailed);
      }
      const rows = (view: TestView) =>
        recorder.transaction(async (tx) => (await view.view(tx).all()).map((r) => ({ ...r, d: r.d.toString() })));
      expect(await rows(folded)).toEqual(await rows(single));
    }),
    { numRuns: runs },
  );
}

const skip = await postgresSkipReason();

describe('folded batches agree with operation-by-operation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-folded-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('on a SQLite file', async () => {
    const recorder = await createSqliteRecorder({ filename: join(dir, 'folded.sqlite') });
    try {
      await agrees(recorder, 60);
    } finally {
      await recorder.close();
    }
  }, 120_000);

  const schemas = new SchemaPool('folded');
  afterAll(() => schemas.dropAll());
  it.skipIf(skip !== undefined)(
    `on PostgreSQL${skip ? `: ${skip}` : ''}`,
    async () => {
      const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema: schemas.next(), poolSize: 2 });
      try {
        await agrees(recorder, 30);
      } finally {
        await recorder.close();
      }
    },
    180_000,
  );
});
