/**
 * Loads the checked-in generated code of a golden case (generated/ for an example schema, test/fixtures/golden/kitchen/expected for Kitchen)
 * together with the IR it came from, for behaviour tests of generated code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PayloadCodec } from '../../runtime/index.js';
import { compile } from '../../generator/index.js';
import type { DomainDef } from '../../generator/ir/model.js';
import { domainFolder } from '../../generator/ir/naming.js';
import { ROOT, expectedDir } from '../emit/golden-cases.js';
import { kitchenDomain } from '../emit/kitchen-domain.js';

/** The IR of a golden case: the Kitchen IR, or the example schema compiled. */
export function goldenDomain(caseName: string): DomainDef {
  if (caseName === 'kitchen') return kitchenDomain;
  const path = `schemas/${caseName}.domain.yaml`;
  const result = compile({ sources: [{ path, text: readFileSync(join(ROOT, path), 'utf8') }], skipEmit: true });
  const domain = result.project?.domains[0];
  if (domain === undefined) throw new Error(`${path} does not compile`);
  return domain;
}

/** Imports one generated module of a golden case, e.g. `transcoders`. */
export async function goldenModule(
  caseName: string,
  domain: DomainDef,
  module: string,
): Promise<Record<string, unknown>> {
  const file = join(expectedDir(caseName), domainFolder(domain.name), `${module}.ts`);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

export function asCodec(value: unknown, name: string): PayloadCodec<unknown> {
  if (typeof value !== 'object' || value === null || !('decode' in value)) throw new Error(`${name} is not a codec`);
  return value as PayloadCodec<unknown>;
}
