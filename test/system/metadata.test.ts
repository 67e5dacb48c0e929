/**
 * Event metadata stored with the events: what a save attaches (typed by the application), and the
 * causation and correlation a process application gives the events it saves, propagated down a
 * chain. Read back through `metadataOf` and the log, by a restarted application, and by a
 * follower in another process, on SQLite files and PostgreSQL schemas (in memory where a store
 * must not outlive the process).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Application,
  type ApplicationOptions,
  RecorderArgumentError,
  SingleThreadedRunner,
  System,
} from 'eventforge/runtime';
import { Counter, Counters } from '../../examples/counters.js';
import { Dog, DogSchool } from '../../examples/dog-school.js';
import { dogSchoolDomain } from '../../generated/dog-school/index.js';
import { postgresSkip, systemStores } from './stores.js';

if (postgresSkip !== undefined) console.log(`metadata tests on PostgreSQL skipped: ${postgresSkip}`);
const durableStores = systemStores('metadata').filter((store) => store.durable);
const closing: { close(): Promise<void> }[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of closing.splice(0).reverse()) await c.close();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** The metadata an HTTP handler of a dog school would attach. */
type Request = { readonly userId: string; readonly requestId?: string };

/** DogSchool whose commands take the request's metadata, typed. */
class AuditedSchool extends Application<Request> {
  constructor(options: ApplicationOptions = {}) {
    super({ ...options, name: 'DogSchool', domains: [dogSchoolDomain] });
  }
  readonly dogs = this.repository(Dog);
  async registerDog(name: string, metadata: Request): Promise<string> {
    const dog = Dog.create({ name });
    await this.save(dog, { metadata });
    return dog.id;
  }
  async addTrick(id: string, trick: string, metadata: Request): Promise<void> {
    const dog = await this.dogs.get(id);
    dog.addTrick(trick);
    await this.save(dog, { metadata });
  }
}

/** Runs a script of this folder in a process of its own; its stdout. */
function runProcess(script: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=eventforge-source', '--import', 'tsx', join(import.meta.dirname, script), ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited ${code}: ${err}`))));
  });
}

describe.each(durableStores)('event metadata on $label', ({ open }) => {
  it("stores a save's metadata with each of its events: metadataOf, the log and a restarted application read it", async () => {
    const { urlOf, cleanup } = open();
    cleanups.push(cleanup);
    const options = { env: { DATABASE_URL: urlOf('DogSchool') } };
    const school = new AuditedSchool(options);
    closing.push(school);
    const fido = await school.registerDog('Fido', { userId: 'u-1', requestId: 'r-1' });
    await school.addTrick(fido, 'sit', { userId: 'u-2' });
    const dog = await school.dogs.get(fido);
    dog.addTrick('stay');
    await school.save(dog); // no metadata
    expect(await school.metadataOf(fido, 1)).toEqual({ userId: 'u-1', requestId: 'r-1' });
    expect(await school.metadataOf(fido, 2)).toEqual({ userId: 'u-2' });
    expect(await school.metadataOf(fido, 3)).toEqual({});
    expect(await school.metadataOf(fido, 4)).toBeUndefined();
    await school.close();

    const restarted = new AuditedSchool(options);
    closing.push(restarted);
    expect(await restarted.metadataOf(fido, 1)).toEqual({ userId: 'u-1', requestId: 'r-1' });
    const logged = [];
    for await (const { topic, metadata } of restarted.log.readAll()) logged.push({ topic, metadata });
    expect(logged).toEqual([
      { topic: 'DogSchool.Dog.Registered', metadata: { userId: 'u-1', requestId: 'r-1' } },
      { topic: 'DogSchool.Dog.TrickAdded', metadata: { userId: 'u-2' } },
      { topic: 'DogSchool.Dog.TrickAdded', metadata: {} },
    ]);
  });

  it('a chain stores causation and correlation with every event; a follower in another process continues it', async () => {
    const { urlOf, cleanup } = open();
    cleanups.push(cleanup);
    const runner = new SingleThreadedRunner(new System([[AuditedSchool, Counters]]), {
      applicationOptions: (name) => ({ env: { DATABASE_URL: urlOf(name) } }),
    });
    closing.push({ close: () => runner.stop() });
    await runner.start();
    const school = runner.get(AuditedSchool);
    const fido = await school.registerDog('Fido', { userId: 'u-1' }); // DogSchool:1
    await school.addTrick(fido, 'sit', { userId: 'u-1', requestId: 'r-2' }); // DogSchool:2
    await school.addTrick(fido, 'sit', { userId: 'u-3' }); // DogSchool:3
    await runner.stop();

    // Increments follows Counters from another process, reading Counters' stored log.
    const lines = await runProcess('follower-process.ts', [urlOf('Counters'), urlOf('Increments')]);
    const events = lines
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    // Counters:2 (Incremented, of DogSchool:2) and Counters:3 (of DogSchool:3) each caused one
    // event of Increments; the correlation is DogSchool's, the user's keys travel down the chain.
    expect(events).toEqual([
      {
        topic: 'Counters.Counter.Started',
        metadata: { userId: 'u-1', requestId: 'r-2', causationId: 'Counters:2', correlationId: 'DogSchool:2' },
      },
      {
        topic: 'Counters.Counter.Incremented',
        metadata: { userId: 'u-1', requestId: 'r-2', causationId: 'Counters:2', correlationId: 'DogSchool:2' },
      },
      {
        topic: 'Counters.Counter.Incremented',
        metadata: { userId: 'u-3', causationId: 'Counters:3', correlationId: 'DogSchool:3' },
      },
    ]);
    // And Counters' own events, read by a new application on its store.
    const counters = new Counters({ env: { DATABASE_URL: urlOf('Counters') } });
    closing.push(counters);
    expect(await counters.metadataOf(Counter.idOf('sit'), 3)).toEqual({
      userId: 'u-3',
      causationId: 'DogSchool:3',
      correlationId: 'DogSchool:3',
    });
  }, 60_000);
});

describe("a save's metadata", () => {
  const memory = { env: { DATABASE_URL: 'memory:' } };

  it('is typed by the application, and checked: a bad value names its key and nothing is saved', async () => {
    const school = new AuditedSchool(memory);
    closing.push(school);
    const dog = Dog.create({ name: 'Rex' });
    // @ts-expect-error userId is required by AuditedSchool's metadata type.
    await expect(school.save(dog, { metadata: { requestId: 'r-1' } })).resolves.toHaveLength(1);
    const rex = Dog.create({ name: 'Rex' });
    // @ts-expect-error a number is no metadata value.
    const error = await school.save(rex, { metadata: { userId: 42 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecorderArgumentError);
    expect((error as Error).message).toBe(
      'save: options.metadata.userId must be a string of well-formed Unicode without U+0000, got 42',
    );
    // @ts-expect-error only metadata is an option.
    const unknown = await school.save(rex, { metadta: { userId: 'u' } }).catch((e: unknown) => e);
    expect((unknown as Error).message).toBe('save: options.metadta must be absent (known: metadata), got a value');
    expect(rex.pendingEvents).toHaveLength(1);
    expect(await school.metadataOf(rex.id, 1)).toBeUndefined();
    // Optional keys left undefined are left out.
    await school.save(rex, { metadata: { userId: 'u-1', requestId: undefined } });
    expect(await school.metadataOf(rex.id, 1)).toEqual({ userId: 'u-1' });
  });

  it('travels with saveWithTracking too, and an untyped application takes any string keys', async () => {
    const school = new DogSchool(memory);
    closing.push(school);
    const dog = Dog.create({ name: 'Rex' });
    await school.saveWithTracking({ application: 'DogSchool', upstream: 'Intake', notificationId: 4n }, dog, {
      metadata: { causationId: 'Intake:4', tenant: 'north' },
    });
    const [logged] = await school.log.select(1n, 10);
    expect(logged!.metadata).toEqual({ causationId: 'Intake:4', tenant: 'north' });
  });
});
