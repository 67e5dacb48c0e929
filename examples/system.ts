/**
 * The Counters system (examples/counters-system.ts), run single-threaded in memory: DogSchool
 * leads, Counters follows and counts the tricks taught. Each command returns once the system is quiet.
 *   npx tsx --conditions=eventforge-source examples/system.ts
 */
import { SingleThreadedRunner } from 'eventforge/runtime';
import { Counters } from './counters.js';
import { system } from './counters-system.js';
import { DogSchool } from './dog-school.js';

const runner = new SingleThreadedRunner(system);
await runner.start();
try {
  const school = runner.get(DogSchool);
  const counters = runner.get(Counters);

  const fido = await school.registerDog('Fido');
  const rex = await school.registerDog('Rex');
  await school.addTrick(fido, 'roll over');
  await school.addTrick(fido, 'play dead');
  await school.addTrick(rex, 'roll over');

  for (const trick of ['roll over', 'play dead', 'fetch']) {
    console.log(`${trick}: taught ${await counters.countOf(trick)} time(s)`);
  }
} finally {
  await runner.stop();
}
