/**
 * The parsed document as plain data, what the shape check validates. Converting can still fail
 * after a clean parse (an alias whose anchor comes later, too many aliases): that is invalid YAML,
 * EF100, at the document.
 */
import type { Diagnostic } from '../diagnostics.js';
import { fastData } from './fast-yaml.js';
import { errorAt, rangeOfNode, type SourceDoc } from './source-doc.js';

export type DocumentData =
  | { readonly ok: true; readonly data: unknown }
  | { readonly ok: false; readonly error: Diagnostic };

export function documentData(source: SourceDoc): DocumentData {
  if (source.fast === true) return { ok: true, data: fastData(source.doc.contents) };
  try {
    return { ok: true, data: source.doc.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: errorAt(
        source.file,
        rangeOfNode(source, source.doc.contents),
        'EF100',
        `invalid YAML: ${message.charAt(0).toLowerCase()}${message.slice(1)}`,
        /unresolved alias/i.test(message)
          ? 'define an anchor (`&name`) before the alias (`*name`) that refers to it'
          : undefined,
      ),
    };
  }
}
