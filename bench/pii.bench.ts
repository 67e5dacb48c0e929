/**
 * What personal data costs (docs/personal-data.md), and the whole-payload layers beside it:
 *
 * - P1 save: a new Identity user of 10 events (register + 9 renames) in one save, in memory:
 *   personal fields in clear (no master key, the baseline) vs encrypted under a new data key
 *   (made, wrapped and stored with the events);
 * - P2 save warm/cold: one rename of an existing user: baseline in clear vs encrypted with the
 *   key cached (warm) vs read and unwrapped for every save (cold: cache TTL 0);
 * - P3 load: `users.get` of a 10-event user from a SQLite file: baseline vs warm vs cold;
 * - N1 save: a status change (no personal value) of an existing person without a master key: the
 *   default mode, which checks each save for personal values to refuse, vs `personalData: 'clear'`;
 * - V1 save: a new person (name and street: personal fields inside value objects, each sealed on
 *   its own) in clear vs encrypted;
 * - L1 (W1-like): 10-event DogSchool saves in memory, no layers (baseline) vs deflate + AES-256-GCM;
 * - L3 (W3-like): loading a 1,000-event dog in memory, no layers vs deflate + AES-256-GCM;
 * - sizes: the stored bytes of the example events plain, deflated, and deflated + encrypted.
 *
 * Subjects alternate within each pass and every figure is the median of the passes: only the
 * ratios of one run mean anything on a shared machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Dog, DogSchool } from '../examples/dog-school.js';
import { Identity, User } from '../examples/identity.js';
import { Person, PersonRegistry } from '../examples/person-registry.js';
import { createMemoryRecorder, generateCipherKey, type Recorder } from '../runtime/index.js';
import { createSqliteRecorder } from '../runtime/sql/index.js';
import type { BenchReport } from './run.js';

const SCALE = Number(process.env.EVENTFORGE_BENCH_SCALE ?? '1');
const PASSES = 7;
const USERS = Math.max(20, Math.round(200 * SCALE));
const LONG = 1_000;
const LOADS = Math.max(3, Math.round(10 * SCALE));

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs each subject once per pass, in an order that rotates; the median µs per operation of each. */
async function interleaved(subjects: Record<string, () => Promise<number>>): Promise<Record<string, number>> {
  const names = Object.keys(subjects);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) await subjects[n]!(); // warm-up
  for (let pass = 0; pass < PASSES; pass++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(pass + i) % names.length]!;
      const start = performance.now();
      const ops = await subjects[name]!();
      times[name]!.push(((performance.now() - start) * 1000) / ops);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n]!)]));
}

/** Without a master key the baseline stores personal fields unencrypted: allowed explicitly (`personalData: 'clear'`). */
function identity(env: Record<string, string>, recorder: Recorder, cold = false): Identity {
  return new Identity({ env, recorder, personalData: 'clear', ...(cold ? { dataKeyCache: { ttlMs: 0 } } : {}) });
}

async function saveNewUsers(app: Identity): Promise<number> {
  for (let u = 0; u < USERS; u++) {
    const user = User.register(`user${u}@example.com`, 'Jane', '2024-02-29');
    for (let i = 0; i < 9; i++) user.changeFirstName(`Jane ${i}`);
    await app.save(user);
  }
  return USERS;
}

async function renameAll(app: Identity, users: readonly User[]): Promise<number> {
  for (const user of users) {
    user.changeFirstName(`Jane ${user.version}`);
    await app.save(user);
  }
  return users.length;
}

async function loadAll(app: Identity, ids: readonly string[]): Promise<number> {
  for (const id of ids) await app.users.get(id);
  return ids.length;
}

async function registerUsers(app: Identity, count: number): Promise<User[]> {
  const users: User[] = [];
  for (let u = 0; u < count; u++) {
    const user = User.register(`user${u}@example.com`, 'Jane', '2024-02-29');
    for (let i = 0; i < 9; i++) user.changeFirstName(`Jane ${i}`);
    await app.save(user);
    users.push(user);
  }
  return users;
}

function registry(
  env: Record<string, string>,
  recorder: Recorder,
  personalData: 'clear' | 'encrypted',
): PersonRegistry {
  return new PersonRegistry({ env, recorder, personalData });
}

/** New people (created and moved once: four personal values in value objects), one save each. */
async function createPeople(app: PersonRegistry, count: number): Promise<Person[]> {
  const people: Person[] = [];
  for (let p = 0; p < count; p++) {
    const person = Person.create({
      name: { firstName: 'Jane', lastName: `Doe ${p}` },
      address: { street: `${p} Main Street`, city: 'Springfield' },
    });
    person.move({ street: `${p} Elm Street`, city: 'Springfield' });
    await app.save(person);
    people.push(person);
  }
  return people;
}

const STATUSES = ['married', 'divorced', 'single'] as const;

async function changeStatusAll(app: PersonRegistry, people: readonly Person[]): Promise<number> {
  for (const person of people) {
    person.changeStatus(STATUSES[person.version % STATUSES.length]!);
    await app.save(person);
  }
  return people.length;
}

function ratioRow(report: BenchReport, bench: string, figures: Record<string, number>, baseline: string): void {
  for (const [subject, us] of Object.entries(figures)) {
    report.add({
      case: bench,
      subject,
      usPerOp: Math.round(us * 10) / 10,
      ratio: Math.round((us / figures[baseline]!) * 100) / 100,
    });
  }
}

export default async function piiBench(report: BenchReport): Promise<void> {
  report.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const master = { EVENTFORGE_MASTER_KEY: generateCipherKey() };

  // P1: saves of new users (each makes its data key).
  ratioRow(
    report,
    'P1 save new 10-event user (memory)',
    await interleaved({
      clear: () => saveNewUsers(identity({}, createMemoryRecorder())),
      encrypted: () => saveNewUsers(identity(master, createMemoryRecorder())),
    }),
    'clear',
  );

  // P2: one more event of existing users, key warm or cold.
  const memory = { clear: createMemoryRecorder(), encrypted: createMemoryRecorder() };
  const plainUsers = await registerUsers(identity({}, memory.clear), USERS);
  const piiUsers = await registerUsers(identity(master, memory.encrypted), USERS);
  const warmApp = identity(master, memory.encrypted);
  const coldApp = identity(master, memory.encrypted, true);
  const clearApp = identity({}, memory.clear);
  ratioRow(
    report,
    'P2 save one event of an existing user (memory)',
    await interleaved({
      clear: () => renameAll(clearApp, plainUsers),
      'encrypted, key cache warm': () => renameAll(warmApp, piiUsers),
      'encrypted, key cache cold': () => renameAll(coldApp, piiUsers),
    }),
    'clear',
  );

  // P3: loads from a SQLite file.
  const dir = mkdtempSync(join(tmpdir(), 'eventforge-pii-bench-'));
  try {
    const files = {
      clear: await createSqliteRecorder({ filename: join(dir, 'clear.sqlite'), synchronous: 'normal' }),
      encrypted: await createSqliteRecorder({ filename: join(dir, 'pii.sqlite'), synchronous: 'normal' }),
    };
    const clearIds = (await registerUsers(identity({}, files.clear), USERS)).map((u) => u.id);
    const piiIds = (await registerUsers(identity(master, files.encrypted), USERS)).map((u) => u.id);
    const warm = identity(master, files.encrypted);
    const cold = identity(master, files.encrypted, true);
    const clear = identity({}, files.clear);
    ratioRow(
      report,
      'P3 load a 10-event user (SQLite file)',
      await interleaved({
        clear: () => loadAll(clear, clearIds),
        'encrypted, key cache warm': () => loadAll(warm, piiIds),
        'encrypted, key cache cold': () => loadAll(cold, piiIds),
      }),
      'clear',
    );
    await files.clear.close();
    await files.encrypted.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // N1: the check that refuses unencrypted personal data, on saves that carry none.
  const statusStores = { checked: createMemoryRecorder(), clear: createMemoryRecorder() };
  const statusPeople = {
    checked: await createPeople(registry({}, statusStores.checked, 'clear'), USERS),
    clear: await createPeople(registry({}, statusStores.clear, 'clear'), USERS),
  };
  const checking = registry({}, statusStores.checked, 'encrypted');
  const notChecking = registry({}, statusStores.clear, 'clear');
  ratioRow(
    report,
    'N1 save one status change, no personal value, no master key (memory)',
    await interleaved({
      'clear (no check)': () => changeStatusAll(notChecking, statusPeople.clear),
      'encrypted (the default: checked, passes)': () => changeStatusAll(checking, statusPeople.checked),
    }),
    'clear (no check)',
  );

  // V1: personal fields inside value objects, each sealed on its own.
  ratioRow(
    report,
    'V1 save a new person, name and street sealed inside value objects (memory)',
    await interleaved({
      clear: () => createPeople(registry({}, createMemoryRecorder(), 'clear'), USERS).then((p) => p.length),
      encrypted: () => createPeople(registry(master, createMemoryRecorder(), 'clear'), USERS).then((p) => p.length),
    }),
    'clear',
  );

  // L1 and L3: the whole-payload layers on DogSchool.
  const layered = { cipherKey: generateCipherKey(), compression: 'deflate' as const };
  const saveDogs = async (options: object) => {
    const school = new DogSchool({ recorder: createMemoryRecorder(), ...options });
    for (let d = 0; d < USERS; d++) {
      const dog = Dog.create({ name: `Dog ${d}` });
      for (let t = 0; t < 9; t++) dog.addTrick(`trick number ${t} with a longer description`);
      await school.save(dog);
    }
    return USERS;
  };
  ratioRow(
    report,
    'L1 (W1-like) save a new 10-event dog (memory)',
    await interleaved({ 'no layers': () => saveDogs({}), 'deflate + AES-256-GCM': () => saveDogs(layered) }),
    'no layers',
  );
  const longDog = async (options: object) => {
    const school = new DogSchool({ recorder: createMemoryRecorder(), snapshotEvery: { '*': null }, ...options });
    const dog = Dog.create({ name: 'Rex' });
    for (let t = 1; t < LONG; t++) dog.addTrick(`trick number ${t} with a longer description`);
    await school.save(dog);
    return { school, id: dog.id };
  };
  const plainLong = await longDog({});
  const layeredLong = await longDog(layered);
  const loadDog = async ({ school, id }: { school: DogSchool; id: string }) => {
    for (let i = 0; i < LOADS; i++) await school.dogs.get(id);
    return LOADS;
  };
  ratioRow(
    report,
    'L3 (W3-like) load a 1,000-event dog (memory)',
    await interleaved({ 'no layers': () => loadDog(plainLong), 'deflate + AES-256-GCM': () => loadDog(layeredLong) }),
    'no layers',
  );

  // Sizes of the example events under each layer.
  for (const [example, write] of Object.entries(EXAMPLES)) {
    const sizes: Record<string, number> = {};
    for (const [label, options] of Object.entries(LAYERS)) {
      const recorder = createMemoryRecorder();
      await write(recorder, options);
      const events = await recorder.readNotifications({ start: 1n, limit: 100_000 });
      sizes[label] = events.reduce((sum, e) => sum + e.state.length, 0);
      await recorder.close();
    }
    for (const [label, bytes] of Object.entries(sizes)) {
      report.add({
        case: `stored bytes of the ${example} example events`,
        subject: label,
        bytes,
        ratio: Math.round((bytes / sizes['plain']!) * 100) / 100,
      });
    }
  }
  // A large payload: the snapshot of the 1,000-event dog.
  const snapshotSizes: Record<string, number> = {};
  for (const [label, options] of Object.entries(LAYERS)) {
    if (label.startsWith('personal')) continue;
    const recorder = createMemoryRecorder();
    const { school, id } = await longDog({ recorder, ...options });
    await school.takeSnapshot(Dog, id);
    snapshotSizes[label] = (await recorder.latestSnapshot(id))?.state.length ?? 0;
  }
  for (const [label, bytes] of Object.entries(snapshotSizes)) {
    report.add({
      case: 'stored bytes of the snapshot of the 1,000-event dog',
      subject: label,
      bytes,
      ratio: Math.round((bytes / snapshotSizes['plain']!) * 100) / 100,
    });
  }
  report.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

const LAYERS: Record<string, object> = {
  plain: {},
  deflate: { compression: 'deflate' },
  'AES-256-GCM': { cipherKey: generateCipherKey() },
  'deflate + AES-256-GCM': { compression: 'deflate', cipherKey: generateCipherKey() },
  'personal fields encrypted (data keys)': { env: { EVENTFORGE_MASTER_KEY: generateCipherKey() } },
};

/** Each example's events: what its tests and scripts store. */
const EXAMPLES: Record<string, (recorder: Recorder, options: object) => Promise<void>> = {
  DogSchool: async (recorder, options) => {
    const school = new DogSchool({ recorder, ...options });
    for (let d = 0; d < 20; d++) {
      const dog = Dog.create({ name: `Fido ${d}` });
      dog.addTrick('roll over');
      dog.addTrick('play dead');
      await school.save(dog);
    }
  },
  'W1-like DogSchool (10 events, longer tricks)': async (recorder, options) => {
    const school = new DogSchool({ recorder, ...options });
    for (let d = 0; d < 20; d++) {
      const dog = Dog.create({ name: `Dog ${d}` });
      for (let t = 0; t < 9; t++) dog.addTrick(`trick number ${t} with a longer description`);
      await school.save(dog);
    }
  },
  Identity: async (recorder, options) => {
    // The layers without a master key store the personal fields unencrypted, explicitly.
    const app = new Identity({ recorder, personalData: 'clear', ...options });
    for (let u = 0; u < 20; u++) {
      const user = User.register(`jane.doe${u}@example.com`, 'Jane', '2024-02-29');
      user.changeFirstName('Janet');
      user.changeEmail(`janet.doe${u}@example.org`);
      await app.save(user);
    }
  },
};
