/**
 * The 2015 blog post's PersonRegistry (schemas/person-registry.domain.yaml): create a person
 * with a name and an address, change their marital status, record a move — and bring the
 * person back as they were at any point of their history.
 */
import { Application, type ApplicationOptions } from 'eventforge/runtime';
import {
  PersonBase,
  personRegistryDomain,
  type Address,
  type MaritalStatus,
  type Name,
} from '../generated/person-registry/index.js';

/** A person known to the registry. */
export class Person extends PersonBase {
  /** Records a change of marital status. */
  changeStatus(status: MaritalStatus): void {
    this.triggerMaritalStatusChanged({ status });
  }

  /** Records a move to a new address. */
  move(address: Address): void {
    this.triggerMoved({ address });
  }
}

/** One point of a person's history: what the person looked like after each event. */
export interface PersonAt {
  readonly version: number;
  readonly name: Name;
  readonly status: MaritalStatus;
  readonly address: Address;
}

/** The registry: the blog's `create` and `changeStatus`, plus `move` and history queries. */
export class PersonRegistry extends Application {
  constructor(options: ApplicationOptions = {}) {
    super({ ...options, domains: [personRegistryDomain] });
  }

  readonly people = this.repository(Person);

  /** Creates a person (single unless told otherwise) and returns the id. */
  async create(name: Name, address: Address, status?: MaritalStatus): Promise<string> {
    const person = Person.create({ name, address, ...(status === undefined ? {} : { status }) });
    await this.save(person);
    return person.id;
  }

  /** Changes a registered person's marital status. */
  async changeStatus(personId: string, status: MaritalStatus): Promise<void> {
    const person = await this.people.get(personId);
    person.changeStatus(status);
    await this.save(person);
  }

  /** Records that a registered person moved. */
  async move(personId: string, address: Address): Promise<void> {
    const person = await this.people.get(personId);
    person.move(address);
    await this.save(person);
  }

  /** The person as they were at `version` (the latest when absent). */
  async personAt(personId: string, version?: number): Promise<PersonAt> {
    const person = await this.people.get(personId, version === undefined ? {} : { version });
    return { version: person.version, name: person.name, status: person.status, address: person.address };
  }

  /** The person's whole history: their state after each of their events, replayed. */
  async history(personId: string): Promise<PersonAt[]> {
    const latest = await this.people.get(personId);
    const history: PersonAt[] = [];
    for (let version = 1; version <= latest.version; version++) history.push(await this.personAt(personId, version));
    return history;
  }
}
