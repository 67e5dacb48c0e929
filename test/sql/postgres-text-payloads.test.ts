/**
 * PostgreSQL log pages read with `payloads: 'text'` (runtime/sql/postgres-log.ts `textPayload`):
 * a payload without layers comes in bytea's escape format, which is its JSON itself when it is
 * ASCII without a backslash (then `stateText`), any other as bytes decoded from the escapes or from
 * hex. Whatever the bytes, every payload comes back exactly, on the plain read and on the read
 * under the writers' key (a transaction held open elsewhere makes every row not final).
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Recorder, StoredEvent } from '../../runtime/recorder.js';
import { createPostgresRecorder } from '../../runtime/sql/index.js';
import { unescapeBytea } from '../../runtime/sql/postgres-text-payload.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';

const text = (s: string) => new TextEncoder().encode(s);
const payloads: Uint8Array[] = [
  text('{"name":"Rex"}'), // plain ASCII: comes as text
  text('{"name":"Rex ✓ é 🐕"}'), // bytes above 0x7F: escaped
  text('{"name":"say \\"woof\\"\\n"}'), // backslashes: doubled
  text('\\x41'), // starts like hex output, but is a payload's own backslash
  Uint8Array.of(0x01, 0x78, 0x9c, 0x00, 0x5c), // a layer tag first: hex
  Uint8Array.of(0x7b, 0xff, 0xfe, 0x00, 0x7d), // a text byte first, then bytes that are not UTF-8 and a NUL
  Uint8Array.of(0xff, 0x7b), // a high byte first
  new Uint8Array(0),
];
const events: StoredEvent[] = payloads.map((state, i) => ({
  streamId: 'dog',
  version: i + 1,
  topic: 'DogSchool.Dog.Registered',
  schemaVersion: 1,
  timestamp: new Date(1_700_000_000_000 + i),
  state,
}));

/** Each notification's payload as it was stored: its text's bytes, or its bytes. */
async function readBack(recorder: Recorder): Promise<{ bytes: Buffer[]; asText: boolean[] }> {
  const page = await recorder.readLog({ start: 1n, limit: 100, payloads: 'text' });
  expect(page.notifications.map((n) => n.version)).toEqual(events.map((e) => e.version));
  for (const n of page.notifications) if (n.stateText !== undefined) expect(n.state.length).toBe(0);
  return {
    bytes: page.notifications.map((n) => Buffer.from(n.stateText !== undefined ? text(n.stateText) : n.state)),
    asText: page.notifications.map((n) => n.stateText !== undefined),
  };
}

describe('unescapeBytea', () => {
  it("reverses PostgreSQL's escape format: doubled backslashes and octal bytes", () => {
    expect(Buffer.from(unescapeBytea('a\\\\b\\000\\377\\174z'))).toEqual(
      Buffer.from([0x61, 0x5c, 0x62, 0x00, 0xff, 0x7c, 0x7a]),
    );
    expect(unescapeBytea('').length).toBe(0);
  });
});

const skip = await postgresSkipReason();
if (skip !== undefined) {
  describe.skip(`PostgreSQL text payloads: ${skip}`, () => it('skipped', () => undefined));
} else {
  const schemas = new SchemaPool('textpayloads');
  afterAll(() => schemas.dropAll());

  describe("PostgreSQL log pages read with payloads: 'text'", () => {
    it('give every payload back exactly, plain ASCII JSON as text', async () => {
      const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema: schemas.next() });
      try {
        await recorder.append(events);
        const { bytes, asText } = await readBack(recorder);
        expect(bytes).toEqual(payloads.map((p) => Buffer.from(p)));
        expect(asText).toEqual([true, false, false, false, false, false, false, false]);
        const asBytes = await recorder.readLog({ start: 1n, limit: 100 });
        expect(asBytes.notifications.map((n) => n.stateText)).toEqual(payloads.map(() => undefined));
        expect(asBytes.notifications.map((n) => Buffer.from(n.state))).toEqual(payloads.map((p) => Buffer.from(p)));
      } finally {
        await recorder.close();
      }
    });

    it('give them back the same way when the page is read under the writers key (a writer in flight)', async () => {
      const recorder = await createPostgresRecorder({ url: TEST_DATABASE_URL, schema: schemas.next() });
      const holder = new pg.Client(TEST_DATABASE_URL);
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT pg_current_xact_id()'); // every row written after it is not final
        await recorder.append(events);
        const { bytes, asText } = await readBack(recorder);
        expect(bytes).toEqual(payloads.map((p) => Buffer.from(p)));
        expect(asText[0]).toBe(true);
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
        await recorder.close();
      }
    });
  });
}
