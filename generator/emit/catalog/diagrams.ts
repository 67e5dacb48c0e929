/**
 * The catalog's diagrams, laid out by dagre (layered graph layout, synchronous, so the emitter
 * stays a plain function) and drawn by svg.ts: an aggregate's events flowing into its state, and
 * a payload's chain of versions with what each upcast changes.
 */
import { Graph, layout } from '@dagrejs/dagre';
import type { AggregateDef, PayloadVersionDef } from '../../ir/model.js';
import { typeText, upcastOpLine } from './describe-field.js';
import { applyLines } from './page-data.js';
import { boxSize, drawSvg, type Box, type PlacedBox, type PlacedEdge } from './svg.js';

/** Longer label lists are cut so that one busy event cannot make the diagram unreadable. */
const MAX_LABEL_LINES = 4;
const MAX_STATE_LINES = 14;
const MARGIN = 12;

interface EdgeSpec {
  readonly from: string;
  readonly to: string;
  readonly label: readonly string[];
}

function clip(lines: readonly string[], max: number): string[] {
  return lines.length <= max ? [...lines] : [...lines.slice(0, max - 1), `… ${lines.length - max + 1} more`];
}

function laidOut(
  id: string,
  title: string,
  boxes: readonly Box[],
  edges: readonly EdgeSpec[],
  rankdir: 'LR' | 'TB',
): string {
  const graph = new Graph({ multigraph: true });
  graph.setGraph({ rankdir, nodesep: 14, ranksep: 60, edgesep: 10, marginx: MARGIN, marginy: MARGIN });
  for (const box of boxes) graph.setNode(box.id, boxSize(box.lines));
  edges.forEach((edge, index) => {
    const label = edge.label.length === 0 ? { width: 0, height: 0 } : boxSize(edge.label);
    graph.setEdge(edge.from, edge.to, { ...label, labelpos: 'c' }, String(index));
  });
  layout(graph);
  const placed: PlacedBox[] = boxes.map((box) => {
    const node = graph.node(box.id);
    return { ...box, x: node.x, y: node.y, width: node.width, height: node.height };
  });
  const drawn: PlacedEdge[] = edges.map((edge, index) => {
    const label = graph.edge({ v: edge.from, w: edge.to, name: String(index) });
    return {
      points: label.points ?? [],
      label: edge.label,
      ...(label.x === undefined || label.y === undefined ? {} : { labelX: label.x, labelY: label.y }),
    };
  });
  const size = graph.graph();
  return drawSvg(id, title, size.width ?? 0, size.height ?? 0, placed, drawn);
}

/** Each event (a link to its page) with an arrow into the state labelled with what it changes. */
export function aggregateDiagram(aggregate: AggregateDef, eventHref: (event: string) => string): string {
  const stateId = '#state';
  const state: Box = {
    id: stateId,
    className: 'state',
    lines: clip(
      [
        `${aggregate.name} state v${aggregate.state.version}`,
        ...aggregate.state.fields.map((field) => `${field.name}: ${typeText(field.type, field.optional)}`),
      ],
      MAX_STATE_LINES,
    ),
  };
  const events: Box[] = aggregate.events.map((event) => ({
    id: event.name,
    className: 'event',
    href: eventHref(event.name),
    lines: [
      event.name,
      [`v${event.version}`, event.creates ? 'creates' : '', event.discards ? 'discards' : '']
        .filter(Boolean)
        .join(' · '),
    ],
  }));
  const edges: EdgeSpec[] = aggregate.events.map((event) => ({
    from: event.name,
    to: stateId,
    label: clip(applyLines(event.apply), MAX_LABEL_LINES),
  }));
  return laidOut(`diagram-${aggregate.name}`, `${aggregate.name}: events and state`, [...events, state], edges, 'LR');
}

/** Version 1 → 2 → … → current, each arrow labelled with the fields the upcast renames, adds, computes or drops. */
export function versionChainDiagram(
  payload: string,
  versions: readonly PayloadVersionDef[],
  versionHref: (version: number) => string,
): string {
  const boxes: Box[] = versions.map((version) => ({
    id: `v${version.version}`,
    className: version.upcast === undefined ? 'version current' : 'version',
    href: versionHref(version.version),
    lines: [
      `v${version.version}${version.upcast === undefined ? ' (current)' : ''}`,
      `${version.fields.length} fields`,
    ],
  }));
  const edges: EdgeSpec[] = versions.flatMap((version) =>
    version.upcast === undefined
      ? []
      : [
          {
            from: `v${version.version}`,
            to: `v${version.upcast.to}`,
            label: clip(
              version.upcast.ops.flatMap((op) => upcastOpLine(op) ?? []),
              MAX_LABEL_LINES + 2,
            ),
          },
        ],
  );
  const id = `chain-${payload.replace(/[^A-Za-z0-9]+/g, '-')}`;
  return laidOut(id, `${payload}: versions`, boxes, edges, 'LR');
}
