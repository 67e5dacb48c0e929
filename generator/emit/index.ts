import type { Emitter } from './types.js';
import { aggregatesEmitter } from './typescript/emit-aggregates.js';
import { descriptorsEmitter } from './typescript/emit-descriptors.js';
import { indexEmitter } from './typescript/emit-index.js';
import { repositoriesEmitter } from './typescript/emit-repositories.js';
import { transcodersEmitter } from './typescript/emit-transcoders.js';
import { typesEmitter } from './typescript/emit-types.js';
import { upcastersEmitter } from './typescript/emit-upcasters.js';
import { validatorsEmitter } from './typescript/emit-validators.js';
import { viewSchemasEmitter } from './views/emit-view-schemas.js';
import { viewsEmitter } from './views/emit-views.js';

/** Every artifact, in a fixed order. Each emitter module adds itself here. */
export const emitters: readonly Emitter[] = [
  upcastersEmitter,
  typesEmitter,
  transcodersEmitter,
  validatorsEmitter,
  descriptorsEmitter,
  aggregatesEmitter,
  indexEmitter,
  repositoriesEmitter,
  viewsEmitter,
  viewSchemasEmitter,
];
