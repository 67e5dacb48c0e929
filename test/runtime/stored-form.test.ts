import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Application, type ApplicationOptions } from '../../runtime/application.js';
import { DecodeError, DecryptionError, UnknownSchemaVersionError, UnknownTopicError } from '../../runtime/errors.js';
import { Mapper } from '../../runtime/mapper.js';
import { createMemoryRecorder } from '../../runtime/memory-recorder.js';
import { generateCipherKey } from '../../runtime/payload-envelope.js';
import type { Recorder, StoredEvent } from '../../runtime/recorder.js';
import { TopicRegistry } from '../../runtime/topics.js';
import { Dog, dogDescriptorV1, kennelDomain, upcastCounter } from './fixtures/kennel.js';
import { rejection } from './fixtures/rejection.js';

function app(recorder: Recorder, options: ApplicationOptions = {}): Application {
  return new Application({ env: {}, domains: [kennelDomain], recorder, ...options });
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

/** Writes a dog as the previous release did: TrickAdded v1 events and a v1 state snapshot. */
async function writeOldDog(recorder: Recorder, id: string): Promise<void> {
  const old = new Mapper(new TopicRegistry([{ name: 'Kennel', aggregates: [dogDescriptorV1] }]));
  const at = (v: number) => new Date(Date.UTC(2023, 0, 1, 0, 0, v));
  const events = [
    old.toStoredEvent(dogDescriptorV1, {
      type: 'Registered',
      originatorId: id,
      originatorVersion: 1,
      timestamp: at(1),
      data: { name: 'Old Rex' },
    }),
    old.toStoredEvent(dogDescriptorV1, {
      type: 'TrickAdded',
      originatorId: id,
      originatorVersion: 2,
      timestamp: at(2),
      data: { trick: 'sit' },
    }),
    old.toStoredEvent(dogDescriptorV1, {
      type: 'TrickAdded',
      originatorId: id,
      originatorVersion: 3,
      timestamp: at(3),
      data: { trick: 'stay' },
    }),
    old.toStoredEvent(dogDescriptorV1, {
      type: 'TrickAdded',
      originatorId: id,
      originatorVersion: 4,
      timestamp: at(4),
      data: { trick: 'beg' },
    }),
  ];
  expect(events.map((e) => e.schemaVersion)).toEqual([1, 1, 1, 1]);
  await recorder.append(events);
  await recorder.saveSnapshot(
    old.toStoredSnapshot(dogDescriptorV1, {
      id,
      version: 3,
      createdOn: at(1),
      modifiedOn: at(3),
      discarded: false,
      state: { name: 'Old Rex', tricks: ['sit', 'stay'] },
    }),
  );
}

describe('upcasting at read time', () => {
  it('old events and old snapshots pass through the codec’s upcaster chain', async () => {
    const recorder = createMemoryRecorder();
    await writeOldDog(recorder, 'old-dog');
    const a = app(recorder);
    const before = { ...upcastCounter };

    const fromSnapshot = await a.repository(Dog).get('old-dog');
    expect(fromSnapshot.tricks).toEqual([
      { name: 'sit', level: 1 },
      { name: 'stay', level: 1 },
      { name: 'beg', level: 1 },
    ]);
    expect(upcastCounter.dogState - before.dogState).toBe(1); // the v1 snapshot
    expect(upcastCounter.trickAdded - before.trickAdded).toBe(1); // only event 4 replayed

    const fromEvents = await a.repository(Dog).get('old-dog', { version: 2 });
    expect(fromEvents.tricks).toEqual([{ name: 'sit', level: 1 }]);
    expect(fromEvents.createdOn.toISOString()).toBe('2023-01-01T00:00:01.000Z');

    // New events are written at the current version after old ones; both read back.
    fromSnapshot.addTrick('roll over', 4);
    await a.save(fromSnapshot);
    const [latest] = await recorder.readStream('old-dog', { descending: true, limit: 1 });
    expect(latest!.schemaVersion).toBe(2);
    const logged = await a.log.select(1n, 10, ['Kennel.Dog.TrickAdded']);
    expect(logged.map((e) => e.event.data)).toEqual([
      { trick: { name: 'sit', level: 1 } },
      { trick: { name: 'stay', level: 1 } },
      { trick: { name: 'beg', level: 1 } },
      { trick: { name: 'roll over', level: 4 } },
    ]);
  });

  it('a version newer than the code knows is refused, naming topic, stream and version', async () => {
    const recorder = createMemoryRecorder();
    const a = app(recorder);
    const dog = Dog.register('Rex');
    dog.addTrick('sit');
    await a.save(dog);
    const [, trick] = await recorder.readStream(dog.id);
    await recorder.append([{ ...trick!, version: 3, schemaVersion: 3 }]);
    const error = await rejection(a.repository(Dog).get(dog.id));
    expect(error).toBeInstanceOf(UnknownSchemaVersionError);
    const unknown = error as UnknownSchemaVersionError;
    expect([
      unknown.topic,
      unknown.schemaVersion,
      unknown.knownVersion,
      unknown.streamId,
      unknown.streamVersion,
    ]).toEqual(['Kennel.Dog.TrickAdded', 3, 2, dog.id, 3]);
    expect(error.message).toContain(`stream ${dog.id}, version 3`);
  });

  it('an unknown topic is refused, naming topic, stream and version', async () => {
    const recorder = createMemoryRecorder();
    const a = app(recorder);
    const dog = Dog.register('Rex');
    await a.save(dog);
    const [first] = await recorder.readStream(dog.id);
    await recorder.append([{ ...first!, version: 2, topic: 'Kennel.Dog.Vanished' }]);
    const error = await rejection(a.repository(Dog).get(dog.id));
    expect(error).toBeInstanceOf(UnknownTopicError);
    expect((error as UnknownTopicError).topic).toBe('Kennel.Dog.Vanished');
    expect((error as UnknownTopicError).streamId).toBe(dog.id);
    expect((error as UnknownTopicError).streamVersion).toBe(2);
    expect(error.message).toMatch(/register the domain/);
    await expect(a.log.select(1n, 10)).rejects.toBeInstanceOf(UnknownTopicError);
    // Reading up to the last known event still works.
    expect((await a.repository(Dog).get(dog.id, { version: 1 })).name).toBe('Rex');
  });

  it('an unknown snapshot topic is refused too', async () => {
    const recorder = createMemoryRecorder();
    const a = app(recorder);
    const dog = Dog.register('Rex');
    dog.rename('Max');
    await a.save(dog);
    await a.takeSnapshot(Dog, dog.id);
    const snap = await recorder.latestSnapshot(dog.id);
    await recorder.saveSnapshot({ ...snap!, streamId: 'cat', topic: 'Kennel.Cat' });
    await recorder.append((await recorder.readStream(dog.id)).map((e) => ({ ...e, streamId: 'cat' })));
    const error = await rejection(a.repository(Dog).get('cat'));
    expect(error).toBeInstanceOf(UnknownTopicError);
    expect((error as UnknownTopicError).topic).toBe('Kennel.Cat');
    expect((error as UnknownTopicError).streamId).toBe('cat');
    expect((error as UnknownTopicError).streamVersion).toBe(2);
    expect((await a.repository(Dog).get(dog.id)).name).toBe('Max');
  });

  it('data that does not fit its type is a DecodeError naming the field', async () => {
    const recorder = createMemoryRecorder();
    const a = app(recorder);
    const stored: StoredEvent = {
      streamId: 'bad',
      version: 1,
      topic: 'Kennel.Dog.Registered',
      schemaVersion: 1,
      timestamp: new Date(),
      state: new TextEncoder().encode('{"name":42}'),
    };
    await recorder.append([stored]);
    const error = await rejection(a.repository(Dog).get('bad'));
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).path).toBe('name');
    expect((error as DecodeError).streamId).toBe('bad');
    expect((error as DecodeError).streamVersion).toBe(1);
    expect(error.message).toMatch(/cannot decode Kennel\.Dog\.Registered v1 at name: .* \(stream bad, version 1\)$/);
    await recorder.append([{ ...stored, streamId: 'worse', state: new TextEncoder().encode('{"name":') }]);
    const notJson = await rejection(a.repository(Dog).get('worse'));
    expect(notJson).toBeInstanceOf(DecodeError);
    expect(notJson.message).toMatch(/not UTF-8 JSON.*stream worse, version 1/);
  });
});

describe('stored payloads', () => {
  it('are UTF-8 JSON of the codec’s wire form by default', async () => {
    const recorder = createMemoryRecorder();
    const dog = Dog.register('Rex');
    dog.addTrick('sit', 2);
    await app(recorder).save(dog);
    const [registered, trick] = await recorder.readStream(dog.id);
    expect(new TextDecoder().decode(registered!.state)).toBe('{"name":"Rex"}');
    expect(new TextDecoder().decode(trick!.state)).toBe('{"trick":{"name":"sit","level":2}}');
    expect(trick!.topic).toBe('Kennel.Dog.TrickAdded');
    expect(trick!.schemaVersion).toBe(2);
    expect(trick!.timestamp.getTime()).toBe(dog.modifiedOn.getTime());
  });

  const longTrick = 'roll over and play dead, '.repeat(12); // 300 characters that compress well

  it('deflate compresses payloads where it pays, and they stay readable when compression is off', async () => {
    const recorder = createMemoryRecorder();
    const compressed = app(recorder, { compression: 'deflate' });
    const plain = app(recorder);
    const dogs = [Dog.register('Rex'), Dog.register('Rex')];
    for (const dog of dogs) dog.addTrick(longTrick);
    await compressed.save(dogs[0]!);
    await plain.save(dogs[1]!);
    const [shortOne, small] = await recorder.readStream(dogs[0]!.id);
    const [, large] = await recorder.readStream(dogs[1]!.id);
    expect(small!.state[0]).toBe(0x01);
    expect(small!.state.length).toBeLessThan(large!.state.length / 3);
    // A short payload would not shrink: it is stored as plain JSON.
    expect(new TextDecoder().decode(shortOne!.state)).toBe('{"name":"Rex"}');
    expect((await plain.repository(Dog).get(dogs[0]!.id)).tricks[0]!.name).toBe(longTrick);
    expect((await compressed.repository(Dog).get(dogs[1]!.id)).tricks[0]!.name).toBe(longTrick);
  });

  it('EVENTFORGE_COMPRESSION=deflate turns compression on, for snapshots too', async () => {
    const recorder = createMemoryRecorder();
    const a = app(recorder, { env: { EVENTFORGE_COMPRESSION: 'deflate' }, snapshotEvery: { Dog: 2 } });
    const dog = Dog.register('Rex');
    dog.addTrick(longTrick);
    await a.save(dog);
    expect((await recorder.readStream(dog.id))[1]!.state[0]).toBe(0x01);
    expect((await recorder.latestSnapshot(dog.id))!.state[0]).toBe(0x01);
    expect((await a.repository(Dog).get(dog.id)).tricks[0]!.name).toBe(longTrick);
  });

  it('damaged compressed bytes or an unknown layer tag are DecodeErrors naming the stream', async () => {
    const recorder = createMemoryRecorder();
    const a = app(recorder, { compression: 'deflate' });
    const dog = Dog.register('Rex');
    dog.addTrick(longTrick);
    await a.save(dog);
    const [, stored] = await recorder.readStream(dog.id);
    const damaged = Uint8Array.from(stored!.state);
    damaged[damaged.length - 2]! ^= 0xff;
    await recorder.append([
      { ...stored!, streamId: 'damaged', version: 1, topic: 'Kennel.Dog.Registered', schemaVersion: 1, state: damaged },
    ]);
    const error = await rejection(a.repository(Dog).get('damaged'));
    expect(error).toBeInstanceOf(DecodeError);
    expect(error.message).toMatch(/compressed payload is damaged.*stream damaged, version 1/);
    await recorder.append([
      {
        ...stored!,
        streamId: 'future',
        version: 1,
        topic: 'Kennel.Dog.Registered',
        schemaVersion: 1,
        state: Uint8Array.of(0x05, 1, 2),
      },
    ]);
    expect((await rejection(a.repository(Dog).get('future'))).message).toMatch(/unknown payload layer tag 5/);
  });

  describe('AES-256-GCM encryption', () => {
    const key = generateCipherKey();

    it('hides events and snapshots, and reads them back with the key', async () => {
      const recorder = createMemoryRecorder();
      const a = app(recorder, { env: { EVENTFORGE_CIPHER_KEY: key }, snapshotEvery: { Dog: 2 } });
      const dog = Dog.register('Secretname');
      dog.addTrick('hidden-trick');
      await a.save(dog);
      for (const e of await recorder.readStream(dog.id)) {
        expect(e.state[0]).toBe(0x03);
        expect(text(e.state)).not.toContain('Secretname');
        expect(text(e.state)).not.toContain('hidden-trick');
      }
      const snap = await recorder.latestSnapshot(dog.id);
      expect(snap?.version).toBe(2);
      expect(text(snap!.state)).not.toContain('Secretname');
      const loaded = await a.repository(Dog).get(dog.id);
      expect([loaded.name, loaded.tricks[0]?.name]).toEqual(['Secretname', 'hidden-trick']);
      expect((await a.log.select(1n, 5)).map((e) => e.event.type)).toEqual(['Registered', 'TrickAdded']);
    });

    it('uses a fresh nonce each time: equal payloads encrypt differently', async () => {
      const recorder = createMemoryRecorder();
      const a = app(recorder, { cipherKey: key });
      const dogs = [Dog.register('Same'), Dog.register('Same')];
      await a.save(...dogs);
      const [one] = await recorder.readStream(dogs[0]!.id);
      const [two] = await recorder.readStream(dogs[1]!.id);
      expect(Buffer.from(one!.state).equals(Buffer.from(two!.state))).toBe(false);
    });

    it('a wrong key, a missing key or altered bytes raise DecryptionError', async () => {
      const recorder = createMemoryRecorder();
      const a = app(recorder, { cipherKey: Buffer.from(key, 'base64') });
      const dog = Dog.register('Rex');
      await a.save(dog);

      const wrong = await rejection(
        app(recorder, { cipherKey: randomBytes(32) })
          .repository(Dog)
          .get(dog.id),
      );
      expect(wrong).toBeInstanceOf(DecryptionError);
      expect(wrong.message).toMatch(/not the one it was written with/);
      expect((wrong as DecryptionError).streamId).toBe(dog.id);
      expect((wrong as DecryptionError).streamVersion).toBe(1);
      expect((wrong as DecryptionError).topic).toBe('Kennel.Dog.Registered');

      const missing = await rejection(app(recorder).repository(Dog).get(dog.id));
      expect(missing).toBeInstanceOf(DecryptionError);
      expect(missing.message).toMatch(/EVENTFORGE_CIPHER_KEY/);

      const [stored] = await recorder.readStream(dog.id);
      const tampered = Uint8Array.from(stored!.state);
      tampered[tampered.length - 20]! ^= 0x01;
      await recorder.append([{ ...stored!, streamId: 'tampered', state: tampered }]);
      const altered = await rejection(a.repository(Dog).get('tampered'));
      expect(altered).toBeInstanceOf(DecryptionError);
      await recorder.append([{ ...stored!, streamId: 'truncated', state: stored!.state.subarray(0, 10) }]);
      expect(await rejection(a.repository(Dog).get('truncated'))).toBeInstanceOf(DecryptionError);
    });

    it('compression and encryption together', async () => {
      const recorder = createMemoryRecorder();
      const a = app(recorder, { cipherKey: key, compression: 'deflate' });
      const dog = Dog.register('Rex');
      dog.addTrick(longTrick);
      await a.save(dog);
      const [, stored] = await recorder.readStream(dog.id);
      expect(stored!.state[0]).toBe(0x03);
      const plainLength = JSON.stringify({ trick: { name: longTrick, level: 1 } }).length;
      expect(stored!.state.length).toBeLessThan(plainLength / 3); // compressed inside the encryption
      expect((await a.repository(Dog).get(dog.id)).tricks[0]!.name).toBe(longTrick);
      // Reading needs only the key: the layers say themselves what they are.
      expect((await app(recorder, { cipherKey: key }).repository(Dog).get(dog.id)).tricks[0]!.name).toBe(longTrick);
    });
  });
});
