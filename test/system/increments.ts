/** A process application for tests of chains: follows Counters and counts every increment of any counter. */
import { type ApplicationOptions, on, ProcessApplication } from 'eventforge/runtime';
import { Counter } from '../../examples/counters.js';
import { countersDomain } from '../../generated/counters/index.js';

/** Counts every increment of any counter in one counter named `all`. */
export class Increments extends ProcessApplication {
  constructor(options: ApplicationOptions = {}) {
    super({ ...options, domains: [countersDomain] });
  }
  readonly policy = [
    on(Counter, {
      Incremented: async (_event, processing) => {
        const id = Counter.idOf('all');
        const all = (await processing.find(Counter, id)) ?? Counter.create({ name: 'all' }, { id });
        all.increment();
        processing.collect(all);
      },
    }),
  ];
}
