import type { Emitter } from './types.js';
import { upcastersEmitter } from './upcasters/index.js';

/** Every artifact, in a fixed order. Each emitter module adds itself here. */
export const emitters: readonly Emitter[] = [
  upcastersEmitter,
];
