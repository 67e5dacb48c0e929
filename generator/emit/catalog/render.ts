/** Handlebars, compiled once per process, on a private instance (no global helpers or partials). */
import Handlebars from 'handlebars';
import { generatedHeader } from '../types.js';
import { linkFrom } from './paths.js';
import {
  aggregateTemplate,
  domainTemplate,
  eventTemplate,
  indexTemplate,
  layoutTemplate,
  systemTemplate,
} from './templates.js';

const sources = {
  index: indexTemplate,
  domain: domainTemplate,
  aggregate: aggregateTemplate,
  event: eventTemplate,
  system: systemTemplate,
};
export type PageKind = keyof typeof sources;

type Render = (data: object) => string;
let compiled: { layout: Render; pages: Record<PageKind, Render> } | undefined;

function templates(): { layout: Render; pages: Record<PageKind, Render> } {
  if (compiled !== undefined) return compiled;
  const handlebars = Handlebars.create();
  // Only the built-in `each` and `if`, and no @data: calls them directly (a third faster on 1,000 pages).
  const compile = (text: string): Render =>
    handlebars.compile(text, { data: false, knownHelpersOnly: true, knownHelpers: { each: true, if: true } });
  compiled = {
    layout: compile(layoutTemplate),
    pages: {
      index: compile(sources.index),
      domain: compile(sources.domain),
      aggregate: compile(sources.aggregate),
      event: compile(sources.event),
      system: compile(sources.system),
    },
  };
  return compiled;
}

/** One HTML page at `path` (a catalog path), wrapped in the common layout. */
export function renderPage(kind: PageKind, path: string, title: string, source: string, data: object): string {
  const { layout, pages } = templates();
  return layout({
    header: generatedHeader(source, '<!--').concat(' -->'),
    title,
    root: linkFrom(path, ''),
    body: pages[kind](data),
  });
}
