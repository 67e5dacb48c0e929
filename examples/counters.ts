/**
 * The Python eventsourcing library's system example: a Counters process application follows
 * DogSchool and counts how often each trick was taught (schemas/counters.domain.yaml).
 */
import { createHash } from 'node:crypto';
import { AggregateNotFoundError, type ApplicationOptions, on, ProcessApplication } from 'eventforge/runtime';
import { CounterBase, countersDomain } from '../generated/counters/index.js';
import { Dog } from './dog-school.js';

/** One trick's counter. */
export class Counter extends CounterBase {
  /** The counter of a trick has an id derived from the trick's name: one counter per trick. */
  static idOf(trick: string): string {
    const hash = createHash('sha1').update(`Counter:${trick}`).digest('hex');
    // Shaped like a name-based (version 5) UUID.
    return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-5${hash.slice(13, 16)}-a${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
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
