/**
 * A payload is encoded once: the wire form checked when its event is triggered is the form the
 * save stores, so nothing done to the payload's objects after the check reaches the store.
 */
import { describe, expect, it } from 'vitest';
import { DogBase, dogSchoolDomain, type Trick } from '../../generated/dog-school/index.js';
import { Application } from '../../runtime/application.js';
import { createMemoryRecorder } from '../../runtime/memory-recorder.js';

/** A command that hands the caller's own `Trick` object to the generated trigger. */
class Dog extends DogBase {
  teach(trick: Trick): void {
    this.triggerTrickAdded({ trick });
  }
}

const payloadOf = (state: Uint8Array) => JSON.parse(Buffer.from(state).toString('utf8')) as unknown;

describe('encoding a triggered payload once', () => {
  it('stores the wire form checked at trigger time, not the payload objects as they are at save', async () => {
    const recorder = createMemoryRecorder();
    const app = new Application({ env: {}, domains: [dogSchoolDomain], recorder });
    const dog = Dog.create({ name: 'Rex' });
    const trick = { name: 'sit' };
    dog.teach(trick);
    // After the check: an empty name breaks the schema's `minLength: 1`; a second encoding at save would store it.
    (trick as { name: string }).name = '';
    await app.save(dog);
    const stored = await recorder.readStream(dog.id);
    expect(stored.map((e) => payloadOf(e.state))).toEqual([{ name: 'Rex' }, { trick: { name: 'sit' } }]);
    await app.close();
  });

  it('still encodes at save an event whose payload was never checked', async () => {
    class Unchecked extends DogBase {
      learn(name: string): void {
        this.triggerEvent('TrickAdded', { trick: { name } });
      }
    }
    const recorder = createMemoryRecorder();
    const app = new Application({ env: {}, domains: [dogSchoolDomain], recorder });
    const dog = Unchecked.create({ name: 'Rex' });
    dog.learn('roll over');
    await app.save(dog);
    const stored = await recorder.readStream(dog.id);
    expect(payloadOf(stored[1]!.state)).toEqual({ trick: { name: 'roll over' } });
    await app.close();
  });
});
