/** Where a module a schema names is, as a path (no parsing: the CLI reads the files before it compiles). */
import { posix } from 'node:path';

/**
 * Path of a module a schema names (`upcasters: ./bank.upcasters.ts`, relative to the schema's
 * folder), in the form schema paths are given: `schemas/bank.upcasters.ts`.
 */
export function namedModulePath(schemaPath: string, specifier: string): string {
  return posix.normalize(posix.join(posix.dirname(schemaPath), specifier));
}
