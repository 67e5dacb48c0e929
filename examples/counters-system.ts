/**
 * The DogSchool → Counters system as a module of its own, for `eventforge run` (workers, each
 * application in a PostgreSQL schema of its own) and for the processes that send commands:
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \
 *     node --conditions=eventforge-source bin/eventforge.js run examples/counters-system.ts --worker
 */
import { System } from 'eventforge/runtime';
import { Counters } from './counters.js';
import { DogSchool } from './dog-school.js';

export const system = new System([[DogSchool, Counters]]);
