/**
 * The catalog's pages rendered by handlebars' runtime from the templates precompiled into
 * compiled-templates.ts (build-templates.ts): no template is compiled at run time, and the
 * handlebars compiler is not loaded. A private environment: no global helpers or partials.
 */
import runtime from 'handlebars/runtime.js';
import { generatedHeader } from '../types.js';
import { templateSpecs } from './compiled-templates.js';
import { linkFrom } from './paths.js';

export type PageKind = Exclude<keyof typeof templateSpecs, 'layout'>;

type Render = (data: object) => string;
let templates: Record<PageKind | 'layout', Render> | undefined;

function loaded(): Record<PageKind | 'layout', Render> {
  if (templates !== undefined) return templates;
  // handlebars/runtime.js is CommonJS: its default export is the runtime environment.
  const environment = (runtime as unknown as RuntimeEnvironment).create();
  const template = (spec: unknown): Render => environment.template(spec);
  templates = Object.fromEntries(Object.entries(templateSpecs).map(([kind, spec]) => [kind, template(spec)])) as Record<
    PageKind | 'layout',
    Render
  >;
  return templates;
}

/** What render.ts uses of handlebars' runtime (its package types describe the whole of handlebars). */
interface RuntimeEnvironment {
  create(): { template(spec: unknown): Render };
}

/** One HTML page at `path` (a catalog path), wrapped in the common layout. */
export function renderPage(kind: PageKind, path: string, title: string, source: string, data: object): string {
  const pages = loaded();
  return pages.layout({
    header: generatedHeader(source, '<!--').concat(' -->'),
    title,
    root: linkFrom(path, ''),
    body: pages[kind](data),
  });
}
