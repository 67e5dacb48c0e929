/**
 * The Counters system, declared once: DogSchool leads; Counters (a process application) counts
 * the tricks taught, and the generated DogTricks projection keeps its view. examples/system.ts
 * runs it; `npm run catalog` draws it (`eventforge catalog --system examples/counters-system.ts`).
 * A system module only declares: the catalog imports it, so it starts nothing. Workers run it:
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \
 *     node --conditions=eventforge-source bin/eventforge.js run examples/counters-system.ts --worker
 */
import { System } from 'eventforge/runtime';
import { DogTricksProjection } from '../generated/dog-school/index.js';
import { Counters } from './counters.js';
import { DogSchool } from './dog-school.js';

export const system = new System([
  [DogSchool, Counters],
  [DogSchool, DogTricksProjection],
]);
