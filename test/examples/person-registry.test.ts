import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersonRegistry } from '../../examples/person-registry.js';
import { exampleStores } from './stores.js';

const name = { firstName: 'Ada', lastName: 'Lovelace' };
const home = { street: '12 St James Square', city: 'London' };
const newHome = { street: 'Ockham Park', city: 'Ripley' };

describe.each(exampleStores)('the blog’s PersonRegistry on the $label store', (store) => {
  let registry: PersonRegistry;
  let cleanup: () => void;

  beforeEach(() => {
    const opened = store.open();
    cleanup = opened.cleanup;
    registry = new PersonRegistry({ env: opened.env });
  });

  afterEach(async () => {
    await registry.close();
    cleanup();
  });

  it('creates a person with a name and an address, single by default', async () => {
    const id = await registry.create(name, home);
    expect(await registry.personAt(id)).toEqual({ version: 1, name, status: 'single', address: home });
    const married = await registry.create({ firstName: 'Bob', lastName: 'B' }, newHome, 'married');
    expect((await registry.personAt(married)).status).toBe('married');
  });

  it('changes marital status and records a move', async () => {
    const id = await registry.create(name, home);
    await registry.changeStatus(id, 'married');
    await registry.move(id, newHome);
    expect(await registry.personAt(id)).toEqual({ version: 3, name, status: 'married', address: newHome });
  });

  it('replays the person at any version of their history', async () => {
    const id = await registry.create(name, home);
    await registry.changeStatus(id, 'married');
    await registry.move(id, newHome);
    await registry.changeStatus(id, 'widowed');
    expect(await registry.history(id)).toEqual([
      { version: 1, name, status: 'single', address: home },
      { version: 2, name, status: 'married', address: home },
      { version: 3, name, status: 'married', address: newHome },
      { version: 4, name, status: 'widowed', address: newHome },
    ]);
    expect(await registry.personAt(id, 2)).toEqual({ version: 2, name, status: 'married', address: home });
  });

  it('the event timeline lists every change of every person in order', async () => {
    const ada = await registry.create(name, home);
    const bob = await registry.create({ firstName: 'Bob', lastName: 'B' }, home);
    await registry.changeStatus(ada, 'married');
    await registry.move(bob, newHome);
    const timeline = await registry.log.select(1n, 100);
    expect(timeline.map((e) => [e.event.originatorId, e.event.type])).toEqual([
      [ada, 'Created'],
      [bob, 'Created'],
      [ada, 'MaritalStatusChanged'],
      [bob, 'Moved'],
    ]);
    expect(timeline[3]!.event.data).toEqual({ address: newHome });
  });

  it('refuses an empty street or an unknown status', async () => {
    await expect(registry.create(name, { street: '', city: 'London' })).rejects.toThrow(/street/);
    const id = await registry.create(name, home);
    // @ts-expect-error not a MaritalStatus
    await expect(registry.changeStatus(id, 'engaged')).rejects.toThrow(/status/);
    expect((await registry.personAt(id)).version).toBe(1);
  });
});
