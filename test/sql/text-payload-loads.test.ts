/**
 * Loads read plain payloads as text (`readStream` with `payloads: 'text'`, what `repository.get`
 * asks for): on every store the aggregate comes back exactly whatever its payloads hold (non-ASCII,
 * backslashes, quotes), a payload whose bytes are not UTF-8 is still refused with a DecodeError
 * naming its stream and version, and a record read as text cannot be appended again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Application } from '../../runtime/application.js';
import { DecodeError, EventforgeError } from '../../runtime/errors.js';
import { createMemoryRecorder } from '../../runtime/memory-recorder.js';
import type { Recorder, StoredEvent } from '../../runtime/recorder.js';
import { createPostgresRecorder, createSqliteRecorder } from '../../runtime/sql/index.js';
import { Dog, kennelDomain } from '../runtime/fixtures/kennel.js';
import { rejection } from '../runtime/fixtures/rejection.js';
import { postgresSkipReason, SchemaPool, TEST_DATABASE_URL } from './postgres-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'eventforge-text-loads-'));
const schemas = new SchemaPool('textloads');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

const skip = await postgresSkipReason();
const stores: [string, () => Promise<Recorder>][] = [
  ['memory', async () => createMemoryRecorder()],
  ['a SQLite file', () => createSqliteRecorder({ filename: join(dir, `${Math.random()}.db`) })],
];
if (skip === undefined) {
  stores.push(['PostgreSQL', () => createPostgresRecorder({ url: TEST_DATABASE_URL, schema: schemas.next() })]);
} else {
  describe.skip(`text payload loads on PostgreSQL: ${skip}`, () => it('skipped', () => undefined));
}

const names = ['Rex', 'Rex ✓ é 🐕', 'say "woof"\n\\ and \\x41', '\u0000 and \uFFFD'];

describe.each(stores)('loads on %s', (where, open) => {
  it('give every payload back exactly', async () => {
    const recorder = await open();
    try {
      const app = new Application({ env: {}, domains: [kennelDomain], recorder });
      const dog = Dog.register(names[0]!);
      for (const name of names.slice(1)) {
        dog.rename(name);
        dog.addTrick(name, 2);
      }
      await app.save(dog);
      const loaded = await app.repository(Dog).get(dog.id);
      expect(loaded.name).toBe(names[names.length - 1]);
      expect(loaded.tricks.map((t) => t.name)).toEqual(names.slice(1));
      const asText = await recorder.readStream(dog.id, { payloads: 'text' });
      const asBytes = await recorder.readStream(dog.id);
      expect(asText.map((e) => Buffer.from(e.stateText ?? e.state))).toEqual(asBytes.map((e) => Buffer.from(e.state)));
      expect(asBytes.every((e) => e.stateText === undefined)).toBe(true);
      await app.close();
    } finally {
      await recorder.close();
    }
  });

  it('refuse a payload that is not UTF-8, naming its stream and version', async () => {
    const recorder = await open();
    try {
      const app = new Application({ env: {}, domains: [kennelDomain], recorder });
      const stored: StoredEvent = {
        streamId: 'bad-bytes',
        version: 1,
        topic: 'Kennel.Dog.Registered',
        schemaVersion: 1,
        timestamp: new Date(),
        state: Uint8Array.of(0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d), // {"n":"\xff\xfe"}
      };
      await recorder.append([stored]);
      const error = await rejection(app.repository(Dog).get('bad-bytes'));
      expect(error).toBeInstanceOf(DecodeError);
      expect(error.message).toMatch(/not UTF-8 JSON.*stream bad-bytes, version 1/);
      await app.close();
    } finally {
      await recorder.close();
    }
  });

  it('refuse to append a record read as text', async () => {
    const recorder = await open();
    try {
      const app = new Application({ env: {}, domains: [kennelDomain], recorder });
      const dog = Dog.register('Rex');
      await app.save(dog);
      const [read] = await recorder.readStream(dog.id, { payloads: 'text' });
      const copy = { ...read!, streamId: 'copy' };
      // The memory store hands bytes back whatever it is asked (a store may); the databases give text.
      expect(copy.stateText).toBe(where === 'memory' ? undefined : '{"name":"Rex"}');
      if (where === 'memory') return;
      const error = await rejection(recorder.append([copy]));
      expect(error).toBeInstanceOf(EventforgeError);
      expect(error.message).toMatch(/stateText.*read with bytes to copy/);
      expect(await recorder.readStream('copy')).toEqual([]);
      await app.close();
    } finally {
      await recorder.close();
    }
  });
});
