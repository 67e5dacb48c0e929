/**
 * `npm start`: the generated code is fresh (the npm script runs `eventforge generate` first);
 * this runs the DogSchool synopsis on the default configuration — the embedded SQLite file
 * ./eventforge.sqlite unless DATABASE_URL says otherwise — and prints what happened.
 */
import { DogSchool } from './dog-school.js';

function describeStore(app: DogSchool): string {
  const store = app.config.store;
  switch (store.kind) {
    case 'sqlite':
      return `SQLite file ${store.filename}`;
    case 'postgresql':
      return `PostgreSQL at ${store.url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@')}`;
    case 'memory':
      return 'the in-memory store (DATABASE_URL=memory:)';
    case 'given':
      return 'a recorder given in code';
    case 'adapter':
      return `your Prisma adapter (${store.provider})`;
  }
}

const school = new DogSchool();
try {
  console.log(`DogSchool on ${describeStore(school)}`);

  const fido = await school.registerDog('Fido');
  console.log(`registered Fido as ${fido}`);
  await school.addTrick(fido, 'roll over');
  await school.addTrick(fido, 'play dead');
  console.log('taught Fido: roll over, play dead');

  const details = await school.getDog(fido);
  console.log(`getDog → ${JSON.stringify(details)}`);
  if (details.name !== 'Fido' || details.tricks.join() !== 'roll over,play dead') {
    throw new Error(`unexpected dog details: ${JSON.stringify(details)}`);
  }

  const dog = await school.dogs.get(fido);
  console.log(`Fido is at version ${dog.version}, registered ${dog.createdOn.toISOString()}`);
  const first = await school.dogs.get(fido, { version: 2 });
  console.log(`at version 2 Fido knew: ${first.tricks.map((t) => t.name).join(', ')}`);

  const total = await school.log.maxId();
  const recent = await school.log.select(total > 2n ? total - 2n : 1n, 3);
  console.log(`the notification log holds ${total} events; the last three:`);
  for (const { id, topic, event } of recent) {
    console.log(`  #${id} ${topic} (stream version ${event.originatorVersion}) ${JSON.stringify(event.data)}`);
  }
  if (school.config.store.kind === 'sqlite')
    console.log('run it again: the dogs of earlier runs are still in the file');
} finally {
  await school.close();
}
