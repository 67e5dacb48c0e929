/**
 * `eventforge catalog --system FILE`: loads the user's system module and describes each System it
 * exports as plain values for the catalog (generator/emit/catalog/systems.ts). The system is the
 * user's TypeScript, so what the catalog draws is what runs: its pipes, each application's
 * domains, and the topics each follower's policy (or projection) reads.
 *
 * The module is the user's, loaded with its own copy of eventforge/runtime (through jiti from the
 * compiled CLI), so its values are recognised by shape, not by `instanceof`, and the CLI imports
 * nothing of the runtime. Each application class is constructed as a runner would, on the
 * in-memory store (nothing is opened or written), read, and closed.
 */
import { basename, extname } from 'node:path';
import type { SystemApplicationDef, SystemDef } from '../../generator/emit/catalog/index.js';
import { importUserModule } from '../files/user-module.js';

/** A system module that cannot be read, or exports no system. */
export class SystemModuleError extends Error {
  override readonly name = 'SystemModuleError';
}

interface SystemShape {
  readonly classes: readonly (new (options?: object) => AppShape)[];
  readonly projections: readonly (new () => ProjectionShape)[];
  readonly edges: readonly { readonly leader: string; readonly follower: string }[];
}
interface AppShape {
  readonly name: string;
  readonly domains?: readonly { readonly name: string }[];
  readonly policy?: unknown;
  readonly topics?: readonly string[];
  close?(): Promise<void>;
}
interface ProjectionShape {
  readonly name: string;
  readonly topics?: readonly string[];
}

function isSystem(value: unknown): value is SystemShape {
  const v = value as Partial<SystemShape> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray(v.classes) &&
    Array.isArray(v.projections) &&
    Array.isArray(v.edges) &&
    typeof (v as { leadersOf?: unknown }).leadersOf === 'function'
  );
}

/** Every System the module exports, described; `shown` is how the file is named in messages and pages. */
export async function describeSystems(file: string, shown: string): Promise<SystemDef[]> {
  let exports: Record<string, unknown>;
  try {
    exports = await importUserModule(file);
  } catch (error) {
    throw new SystemModuleError(`${shown}: cannot load the module: ${(error as Error).message}`);
  }
  const found = Object.entries(exports)
    .filter(([, value]) => isSystem(value))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (found.length === 0)
    throw new SystemModuleError(
      `${shown} exports no System; export one, e.g. \`export const system = new System([[Orders, Payments]])\` ` +
        '(and start its runner elsewhere: the catalog imports the module)',
    );
  const moduleName = basename(shown, extname(shown));
  const systems: SystemDef[] = [];
  for (const [name, system] of found) {
    const named = name === 'system' || name === 'default' ? moduleName : name;
    systems.push(await describe(system as SystemShape, found.length === 1 ? named : name, shown));
  }
  return systems;
}

async function describe(system: SystemShape, name: string, source: string): Promise<SystemDef> {
  const applications: SystemApplicationDef[] = [];
  for (const cls of system.classes) applications.push(await describeApplication(cls, source));
  for (const cls of system.projections) {
    let projection: ProjectionShape;
    try {
      projection = new cls();
    } catch (error) {
      throw new SystemModuleError(
        `${source}: cannot construct the projection ${cls.name}: ${(error as Error).message}`,
      );
    }
    applications.push({
      name: cls.name,
      kind: 'projection',
      domains: [],
      consumes: [...(projection.topics ?? [])].sort(),
      projection: projection.name,
    });
  }
  return {
    name,
    source,
    applications,
    edges: system.edges.map((edge) => ({ leader: edge.leader, follower: edge.follower })),
  };
}

async function describeApplication(
  cls: new (options?: object) => AppShape,
  source: string,
): Promise<SystemApplicationDef> {
  let app: AppShape;
  try {
    // As a runner constructs it, on the in-memory store: nothing is opened.
    app = new cls({ env: { DATABASE_URL: 'memory:' } });
  } catch (error) {
    throw new SystemModuleError(`${source}: cannot construct the application ${cls.name}: ${(error as Error).message}`);
  }
  try {
    if (app.domains === undefined)
      throw new SystemModuleError(
        `${source}: ${cls.name} does not say which domains it stores; the module's eventforge is older than this CLI`,
      );
    const process = app.policy !== undefined;
    return {
      name: cls.name,
      kind: process ? 'process' : 'application',
      domains: app.domains.map((domain) => domain.name).sort(),
      consumes: process ? [...(app.topics ?? [])].sort() : [],
    };
  } catch (error) {
    if (error instanceof SystemModuleError) throw error;
    throw new SystemModuleError(`${source}: ${cls.name}: ${(error as Error).message}`);
  } finally {
    await app.close?.();
  }
}
