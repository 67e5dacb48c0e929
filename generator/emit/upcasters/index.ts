/**
 * The upcasters emitter: generated/<domain>/upcasters.ts for every domain that has history.
 * Domains without any earlier version get no file.
 */
import type { ProjectDef } from '../../ir/model.js';
import { domainFolder, stateTypeName } from '../../ir/naming.js';
import type { EmitContext, Emitter, GeneratedFile } from '../types.js';
import { renderUpcasters, type VersionedPayload } from './render.js';

/** Emits generated/<domain>/upcasters.ts: one typed function per upcast step (see render.ts). */
export const upcastersEmitter: Emitter = {
  name: 'upcasters',
  emit(project: ProjectDef, ctx: EmitContext): GeneratedFile[] {
    const files: GeneratedFile[] = [];
    for (const domain of project.domains) {
      const payloads: VersionedPayload[] = domain.aggregates.flatMap((aggregate) => [
        { name: stateTypeName(aggregate.name), label: `state of ${aggregate.name}`, versions: aggregate.state.versions },
        ...aggregate.events.map((event) => ({
          name: event.name,
          label: `event ${aggregate.name}.${event.name}`,
          versions: event.versions,
        })),
      ]);
      const contents = renderUpcasters(domain, payloads, ctx);
      if (contents !== undefined) files.push({ path: `${domainFolder(domain.name)}/upcasters.ts`, contents });
    }
    return files;
  },
};
