/**
 * The Python eventsourcing library's system example: a Counters process application follows
 * DogSchool and counts how often each trick was taught (schemas/counters.domain.yaml).
 */
import { AggregateNotFoundError, type ApplicationOptions, on, ProcessApplication } from 'eventforge/runtime';
import { CounterBase, countersDomain } from '../generated/counters/index.js';
import { Dog } from './dog-school.js';
import { nameBasedId } from './name-based-id.js';

/** One trick's counter. */
export class Counter extends CounterBase {
  /** The counter of a trick has an id derived from the trick's name: one counter per trick. */
  static idOf(trick: string): string {
    return nameBasedId('Counter', trick);
  }

  /** Counts one more teaching of the trick. */
  increment(): void {
    this.triggerIncremented();
  }
}

/** Counts tricks as DogSchool teaches them. */
export class Counters extends ProcessApplication {
  constructor(options: ApplicationOptions = {}) {
    super({ ...options, domains: [countersDomain] });
  }

  readonly counters = this.repository(Counter);

  readonly policy = [
    on(Dog, {
      TrickAdded: async (event, processing) => {
        const name = event.data.trick.name;
        const counter =
          (await processing.find(Counter, Counter.idOf(name))) ?? Counter.create({ name }, { id: Counter.idOf(name) });
        counter.increment();
        processing.collect(counter);
      },
    }),
  ];

  /** How often the trick was taught; 0 when never. */
  async countOf(trick: string): Promise<number> {
    try {
      return (await this.counters.get(Counter.idOf(trick))).count;
    } catch (error) {
      if (error instanceof AggregateNotFoundError) return 0;
      throw error;
    }
  }
}
