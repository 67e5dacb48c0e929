import type { Emitter } from './types.js';

/** Every artifact, in a fixed order. Each emitter module adds itself here. */
export const emitters: readonly Emitter[] = [];
