/**
 * The older eventsourcing README's worked example (schemas/worked-example.domain.yaml): an
 * `Example` entity with a property `foo` that can be changed, and discarded, after which the
 * repository no longer finds it.
 */
import { Application, type ApplicationOptions } from 'eventforge/runtime';
import { ExampleBase, workedExampleDomain } from '../generated/worked-example/index.js';

/** The entity: `foo` can be changed until the entity is discarded. */
export class Example extends ExampleBase {
  /** Changes `foo` (a `FooChanged` event). */
  changeFoo(foo: string): void {
    this.triggerFooChanged({ foo });
  }

  /** Discards the entity (a `Discarded` event): repositories no longer find it. */
  discard(): void {
    this.triggerDiscarded();
  }
}

/** The README's application: a factory for examples and their repository. */
export class ExampleApplication extends Application {
  constructor(options: ApplicationOptions = {}) {
    super({ ...options, domains: [workedExampleDomain] });
  }

  readonly examples = this.repository(Example);

  /** Creates and stores a new example with this `foo`. */
  async createExample(foo: string): Promise<Example> {
    const example = Example.create({ foo });
    await this.save(example);
    return example;
  }
}
