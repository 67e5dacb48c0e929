/**
 * A system: which applications follow which, written as pipes of application classes, checked
 * when built and independent of how it is run (see runners.ts).
 */
import { Application, type ApplicationOptions } from '../application.js';
import { SystemError } from '../errors.js';
import type { Projection } from '../projection.js';
import { ProcessApplication } from './process-application.js';

/** An application class a runner can construct. */
export type ApplicationClass<A extends Application = Application> = new (options?: ApplicationOptions) => A;

/** A projection class a runner can construct (no arguments): it follows one application and leads none. */
export type ProjectionClass<P extends Projection = Projection> = new () => P;

/** One leader → follower edge of a system. */
export interface SystemEdge {
  readonly leader: string;
  readonly follower: string;
  /** A process application follows with its policy; a projection keeps a view in the leader's store. */
  readonly kind: 'process' | 'projection';
}

/**
 * Pipes of application classes: in `[[DogSchool, Counters, Reports]]` Counters follows DogSchool
 * and Reports follows Counters. Every class after the first of a pipe is a follower: a
 * `ProcessApplication`, or a projection class (the last of its pipe, one leader). An application
 * may follow several leaders and lead several followers, and cycles are allowed (`[[A, B, A]]`),
 * but not an application following itself.
 */
export class System {
  /** Every application class, in order of first appearance. */
  readonly classes: readonly ApplicationClass[];
  /** Every projection class, in order of first appearance. */
  readonly projections: readonly ProjectionClass[];
  /** The edges, in order of first appearance (duplicates removed). */
  readonly edges: readonly SystemEdge[];
  readonly #byName = new Map<string, ApplicationClass>();
  readonly #projections = new Map<string, ProjectionClass>();

  constructor(pipes: readonly (readonly (ApplicationClass | ProjectionClass)[])[]) {
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
        const where = `pipe ${p + 1}, position ${i + 1}`;
        if (typeof cls !== 'function') {
          // An import cycle leaves a class undefined where the system is built.
          throw new SystemError(
            `${where} of the system is ${String(cls)}, not a class; ` +
              'if it is imported, check for an import cycle (a module importing the system module back)',
          );
        }
        if (isProjectionClass(cls)) {
          if (i === 0 || i < pipe.length - 1) {
            throw new SystemError(
              `${where}: ${cls.name} is a projection, which follows one application and leads none; ` +
                'put it last in a pipe, after the application it reads',
            );
          }
          this.#registerProjection(cls, where);
          edges.push({ leader: pipe[i - 1]!.name, follower: cls.name, kind: 'projection' });
          return;
        }
        const name = this.#register(cls, where);
        if (i === 0) return;
        const leader = pipe[i - 1]!.name;
        if (!(cls.prototype instanceof ProcessApplication)) {
          throw new SystemError(
            `pipe ${p + 1}: ${name} follows ${leader} but is not a ProcessApplication; ` +
              'a follower must extend ProcessApplication and declare a policy (or be a projection class)',
          );
        }
        if (leader === name) throw new SystemError(`pipe ${p + 1}: ${name} follows itself; remove the repetition`);
        const key = `${leader}\u0000${name}`;
        if (!seen.has(key)) {
          seen.add(key);
          edges.push({ leader, follower: name, kind: 'process' });
        }
      });
    });
    this.classes = [...this.#byName.values()];
    this.projections = [...this.#projections.values()];
    this.edges = edges;
  }

  /** The names of the applications that follow others, in order of first appearance. */
  get followers(): string[] {
    return [...new Set(this.edges.map((e) => e.follower))];
  }

  /** The names of the applications `follower` follows. */
  leadersOf(follower: string): string[] {
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

  #registerProjection(cls: ProjectionClass, where: string): void {
    if (this.#projections.has(cls.name) || this.#byName.has(cls.name)) {
      throw new SystemError(
        `${where}: ${cls.name} appears twice; a projection follows one application (run a second class for another)`,
      );
    }
    this.#projections.set(cls.name, cls);
  }

  #register(cls: ApplicationClass, where: string): string {
    if (this.#projections.has(cls.name)) {
      throw new SystemError(`${where}: ${cls.name} is the name of a projection of the system too; rename one`);
    }
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

/** A class whose instances have a `process` method and that is no application: a projection. */
function isProjectionClass(cls: ApplicationClass | ProjectionClass): cls is ProjectionClass {
  return (
    typeof cls === 'function' &&
    !(cls.prototype instanceof Application) &&
    typeof (cls.prototype as { process?: unknown }).process === 'function'
  );
}
