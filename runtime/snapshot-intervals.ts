import type { AggregateDescriptor, DomainDescriptor } from './codec.js';
import { ConfigurationError } from './errors.js';
import type { TopicRegistry } from './topics.js';

/** One source of snapshot intervals, e.g. the environment variable or the application option. */
export interface IntervalLayer {
  /** Named in error messages. */
  readonly source: string;
  /** Aggregate name, topic or `*` → interval; `null` = off. */
  readonly intervals: ReadonlyMap<string, number | null>;
}

/**
 * Which snapshot interval holds for each aggregate: the last layer that names it (by topic,
 * then name, then `*`) wins, else the schema's `snapshot.every`.
 */
export class SnapshotIntervals {
  readonly #layers: readonly IntervalLayer[];
  readonly #cache = new Map<AggregateDescriptor, number | undefined>();

  constructor(topics: TopicRegistry, domains: readonly DomainDescriptor[], layers: readonly IntervalLayer[]) {
    this.#layers = layers;
    const domainNames = new Set(domains.map((d) => d.name));
    const known = topics.aggregates().map((a) => a.name);
    for (const layer of layers) {
      for (const [key, every] of layer.intervals) {
        if (every !== null && !(Number.isSafeInteger(every) && every > 0)) {
          throw new ConfigurationError(
            `${layer.source}: the interval of ${key} is ${String(every)}; expected a positive integer, or null for off`,
          );
        }
        if (key === '*' || topics.aggregatesNamed(key).length > 0) continue;
        // `OtherDomain.Aggregate` in a process-wide variable may be meant for another application.
        const domain = key.includes('.') ? key.slice(0, key.indexOf('.')) : undefined;
        if (domain !== undefined && !domainNames.has(domain) && layer.source.startsWith('EVENTFORGE_')) continue;
        throw new ConfigurationError(
          `${layer.source} names ${key}, which is not an aggregate of this application; ` +
            `known: ${known.length > 0 ? known.join(', ') : '(none: pass the domains option)'} (or * for all)`,
        );
      }
    }
  }

  /** The interval in force for this aggregate type; undefined = no automatic snapshots. */
  of(aggregate: AggregateDescriptor): number | undefined {
    if (this.#cache.has(aggregate)) return this.#cache.get(aggregate);
    let every: number | undefined = aggregate.snapshotEvery;
    for (let i = this.#layers.length - 1; i >= 0; i--) {
      const intervals = this.#layers[i]!.intervals;
      const key = [aggregate.topic, aggregate.name, '*'].find((k) => intervals.has(k));
      if (key !== undefined) {
        every = intervals.get(key) ?? undefined;
        break;
      }
    }
    this.#cache.set(aggregate, every);
    return every;
  }
}
