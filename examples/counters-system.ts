/**
 * The Counters system, declared once: DogSchool leads; Counters (a process application) counts
 * the tricks taught, and the generated DogTricks projection keeps its view. examples/system.ts
 * runs it; `npm run catalog` draws it (`eventforge catalog --system examples/counters-system.ts`).
 * A system module only declares: the catalog imports it, so it starts nothing.
 */
import { System } from 'eventforge/runtime';
import { DogTricksProjection } from '../generated/dog-school/index.js';
import { Counters } from './counters.js';
import { DogSchool } from './dog-school.js';

export const system = new System([
  [DogSchool, Counters],
  [DogSchool, DogTricksProjection],
]);
