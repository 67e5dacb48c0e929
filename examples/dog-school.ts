/**
 * The Python eventsourcing library's synopsis, schema-first and typed: a DogSchool application
 * that registers dogs and teaches them tricks (schemas/dog-school.domain.yaml).
 */
import { Application, type ApplicationOptions } from 'eventforge/runtime';
import { DogBase, dogSchoolDomain } from '../generated/dog-school/index.js';

/** A dog: the generated base class gives `create`, the getters and `triggerTrickAdded`; the command is ours. */
export class Dog extends DogBase {
  /** Teaches the dog a trick. */
  addTrick(trick: string): void {
    this.triggerTrickAdded({ trick: { name: trick } });
  }
}

/** What `getDog` returns. */
export interface DogDetails {
  readonly name: string;
  readonly tricks: readonly string[];
}

/** The application: commands change dogs, queries read them. */
export class DogSchool extends Application {
  constructor(options: ApplicationOptions = {}) {
    super({ ...options, domains: [dogSchoolDomain] });
  }

  readonly dogs = this.repository(Dog);

  /** Registers a dog and returns its id. */
  async registerDog(name: string): Promise<string> {
    const dog = Dog.create({ name });
    await this.save(dog);
    return dog.id;
  }

  /** Teaches a registered dog a trick. */
  async addTrick(dogId: string, trick: string): Promise<void> {
    const dog = await this.dogs.get(dogId);
    dog.addTrick(trick);
    await this.save(dog);
  }

  /** The dog's name and its tricks, in the order it learned them. */
  async getDog(dogId: string): Promise<DogDetails> {
    const dog = await this.dogs.get(dogId);
    return { name: dog.name, tricks: dog.tricks.map((t) => t.name) };
  }
}
