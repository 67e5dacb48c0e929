/**
 * A system: which applications follow which, written as pipes of application classes, checked
 * when built and independent of how it is run (see runners.ts).
 */
import { Application, type ApplicationOptions } from '../application.js';
import { SystemError } from '../errors.js';
import { ProcessApplication } from './process-application.js';

/** An application class a runner can construct. */
export type ApplicationClass<A extends Application = Application> = new (options?: ApplicationOptions) => A;

/** One leader → follower edge of a system. */
export interface SystemEdge {
  readonly leader: string;
  readonly follower: string;
}

/**
 * Pipes of application classes: in `[[DogSchool, Counters, Reports]]` Counters follows DogSchool
 * and Reports follows Counters. Every application after the first of a pipe is a follower and
 * must be a `ProcessApplication`; an application may follow several leaders and lead several
 * followers, and cycles are allowed (`[[A, B, A]]`), but not an application following itself.
 */
export class System {
  /** Every application class, in order of first appearance. */
  readonly classes: readonly ApplicationClass[];
  /** The edges, in order of first appearance (duplicates removed). */
  readonly edges: readonly SystemEdge[];
  readonly #byName = new Map<string, ApplicationClass>();

  constructor(pipes: readonly (readonly ApplicationClass[])[]) {
    if (!Array.isArray(pipes) || pipes.length === 0) {
      throw new SystemError('a system needs at least one pipe, e.g. new System([[DogSchool, Counters]])');
    }
    const edges: SystemEdge[] = [];
    const seen = new Set<string>();
    pipes.forEach((pipe, p) => {
      if (!Array.isArray(pipe) || pipe.length === 0) {
        throw new SystemError(`pipe ${p + 1} of the system is empty; list application classes, leader first`);
      }
      pipe.forEach((cls, i) => {
        const name = this.#register(cls, `pipe ${p + 1}, position ${i + 1}`);
        if (i === 0) return;
        const leader = pipe[i - 1]!.name;
        if (!(cls.prototype instanceof ProcessApplication)) {
          throw new SystemError(
            `pipe ${p + 1}: ${name} follows ${leader} but is not a ProcessApplication; ` +
              'a follower must extend ProcessApplication and declare a policy',
          );
        }
        if (leader === name) throw new SystemError(`pipe ${p + 1}: ${name} follows itself; remove the repetition`);
        const key = `${leader}\u0000${name}`;
        if (!seen.has(key)) {
          seen.add(key);
          edges.push({ leader, follower: name });
        }
      });
    });
    this.classes = [...this.#byName.values()];
    this.edges = edges;
  }

  /** The names of the applications that follow others, in order of first appearance. */
  get followers(): string[] {
    return [...new Set(this.edges.map((e) => e.follower))];
  }

  /** The names of the applications `follower` follows. */
  leadersOf(follower: string): string[] {
    this.classOf(follower);
    return this.edges.filter((e) => e.follower === follower).map((e) => e.leader);
  }

  /** The class of the application with this name. */
  classOf(name: string): ApplicationClass {
    const cls = this.#byName.get(name);
    if (cls === undefined) {
      throw new SystemError(`the system has no application ${name}; it has ${[...this.#byName.keys()].join(', ')}`);
    }
    return cls;
  }

  #register(cls: ApplicationClass, where: string): string {
    if (typeof cls !== 'function' || !(cls === Application || cls.prototype instanceof Application)) {
      throw new SystemError(`${where} of the system is not an application class (a subclass of Application)`);
    }
    const known = this.#byName.get(cls.name);
    if (known !== undefined && known !== cls) {
      throw new SystemError(`${where}: two different application classes are named ${cls.name}; rename one`);
    }
    this.#byName.set(cls.name, cls);
    return cls.name;
  }
}
