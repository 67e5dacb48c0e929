import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AggregateDiscardedError, AggregateNotFoundError } from 'eventforge/runtime';
import { Example, ExampleApplication } from '../../examples/worked-example.js';
import { exampleStores } from './stores.js';

describe.each(exampleStores)('the older README’s worked example on the $label store', (store) => {
  let app: ExampleApplication;
  let cleanup: () => void;

  beforeEach(() => {
    const opened = store.open();
    cleanup = opened.cleanup;
    app = new ExampleApplication({ env: opened.env });
  });

  afterEach(async () => {
    await app.close();
    cleanup();
  });

  it('step 1: create an entity, change foo, watch the version and the events', () => {
    const entity1 = Example.create({ foo: 'bar1' });
    expect(entity1.id).toBeTruthy();
    expect(entity1.version).toBe(1);
    expect(entity1.pendingEvents).toHaveLength(1);
    const created = entity1.pendingEvents[0]!;
    expect(created.type).toBe('Created');
    expect(created.originatorId).toBe(entity1.id);
    expect(created.originatorVersion).toBe(1); // the README counts from 0; eventforge numbers events from 1
    expect(created.data).toEqual({ foo: 'bar1' });
    expect(entity1.foo).toBe('bar1');

    entity1.changeFoo('bar2');
    expect(entity1.foo).toBe('bar2');
    expect(entity1.version).toBe(2);
    expect(entity1.pendingEvents).toHaveLength(2);
    const changed = entity1.pendingEvents[1]!;
    expect(changed.type).toBe('FooChanged');
    expect(changed.originatorVersion).toBe(2);
    expect(changed.data).toEqual({ foo: 'bar2' });
  });

  it('step 2: stored events come back, and the repository rebuilds the entity', async () => {
    const entity1 = Example.create({ foo: 'bar1' });
    entity1.changeFoo('bar2');
    await app.save(entity1);
    const recorder = await app.recorder();
    expect(await recorder.readStream(entity1.id)).toHaveLength(2);
    const retrieved = await app.examples.get(entity1.id);
    expect(retrieved.foo).toBe('bar2');
    expect(retrieved.version).toBe(2);
    expect(retrieved.createdOn.getTime()).toBe(entity1.createdOn.getTime());
    expect(retrieved.modifiedOn.getTime()).toBe(entity1.modifiedOn.getTime());
  });

  it('step 3: the application creates entities, the repository has them, changes show', async () => {
    const entity2 = await app.createExample('bar3');
    const entity3 = await app.createExample('bar4');
    expect(await app.examples.has(entity2.id)).toBe(true);
    expect(await app.examples.has(entity3.id)).toBe(true);
    expect((await app.examples.get(entity2.id)).foo).toBe('bar3');
    expect((await app.examples.get(entity3.id)).foo).toBe('bar4');

    entity2.changeFoo('bar5');
    entity3.changeFoo('bar6');
    await app.save(entity2, entity3);
    expect((await app.examples.get(entity2.id)).foo).toBe('bar5');
    expect((await app.examples.get(entity3.id)).foo).toBe('bar6');
    expect((await app.examples.get(entity2.id, { version: 1 })).foo).toBe('bar3');
  });

  it('a discarded entity is not found in the repository', async () => {
    const entity2 = await app.createExample('bar3');
    entity2.discard();
    await app.save(entity2);
    expect(await app.examples.has(entity2.id)).toBe(false);
    await expect(app.examples.get(entity2.id)).rejects.toBeInstanceOf(AggregateNotFoundError);
    expect(() => entity2.changeFoo('bar7')).toThrow(AggregateDiscardedError);
    // Its history is still there.
    expect((await app.examples.get(entity2.id, { version: 1 })).foo).toBe('bar3');
  });
});
