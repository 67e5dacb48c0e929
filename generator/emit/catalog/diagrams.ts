/**
 * The catalog's diagrams, laid out by dagre (layered graph layout, synchronous, so the emitter
 * stays a plain function) and drawn by svg.ts: an aggregate's events flowing into its state, and
 * a payload's chain of versions with what each upcast changes.
 *
 * Both graphs are a star or a path, so the cheapest of dagre's choices are also exact: ranks by
 * longest path, and no crossing-reduction sweeps (there is nothing to uncross; the events keep
 * their sorted order). A layout depends only on the sizes of boxes and labels, so layouts are
 * shared between diagrams of the same geometry (most version chains of a large schema).
 */
import { Graph, layout } from '@dagrejs/dagre';
import type { AggregateDef, DomainDef, PayloadVersionDef, ProjectDef } from '../../ir/model.js';
import { typeText, upcastOpLine } from './describe-field.js';
import { applyLines } from './page-data.js';
import { boxSize, drawSvg, type Box, type PlacedBox, type PlacedEdge } from './svg.js';
import { kindText } from './system-page.js';
import { edgeTopics, type SystemDef } from './systems.js';

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

interface Geometry {
  readonly width: number;
  readonly height: number;
  /** Centres, by box index. */
  readonly boxes: readonly { readonly x: number; readonly y: number }[];
  readonly edges: readonly {
    readonly points: readonly { readonly x: number; readonly y: number }[];
    readonly x?: number;
    readonly y?: number;
  }[];
}

/** Layouts by geometry key; one per catalog build, so nothing outlives the call that made it. */
export type LayoutCache = Map<string, Geometry>;

/**
 * How edges are routed: dagre's own polylines, or `fan-in` for a star whose edges all end in one
 * box. dagre bends each edge of a star from its label straight to the shared box, so the lines
 * of a busy aggregate cross one another's labels; fan-in runs each edge level from its box
 * through its label to a bus beside the shared box, and one arrow from the bus into it.
 * `uncrossed` is dagre's with its crossing-reduction sweeps: for a system's pipes, a general
 * graph (several leaders, cycles), small enough for them to cost nothing.
 */
type Routing = 'dagre' | 'fan-in' | 'uncrossed';

function layOut(boxes: readonly Box[], edges: readonly EdgeSpec[], cache: LayoutCache, routing: Routing): Geometry {
  const index = new Map(boxes.map((box, i) => [box.id, i] as const));
  const sizes = boxes.map((box) => boxSize(box.lines));
  const labels = edges.map((edge) => (edge.label.length === 0 ? { width: 0, height: 0 } : boxSize(edge.label)));
  const key = JSON.stringify([routing, sizes, labels, edges.map((edge) => [index.get(edge.from), index.get(edge.to)])]);
  const known = cache.get(key);
  if (known !== undefined) return known;
  const graph = new Graph({ multigraph: true });
  graph.setGraph({
    rankdir: 'LR',
    ranker: 'longest-path',
    nodesep: 14,
    ranksep: 60,
    edgesep: 10,
    marginx: MARGIN,
    marginy: MARGIN,
  });
  sizes.forEach((size, i) => graph.setNode(String(i), { ...size }));
  edges.forEach((edge, i) =>
    graph.setEdge(String(index.get(edge.from)), String(index.get(edge.to)), { ...labels[i], labelpos: 'c' }, String(i)),
  );
  layout(graph, { disableOptimalOrderHeuristic: routing !== 'uncrossed' });
  const size = graph.graph();
  const geometry: Geometry = {
    width: size.width ?? 0,
    height: size.height ?? 0,
    boxes: boxes.map((_, i) => {
      const node = graph.node(String(i));
      return { x: node.x, y: node.y };
    }),
    edges: edges.map((edge, i) => {
      const label = graph.edge({ v: String(index.get(edge.from)), w: String(index.get(edge.to)), name: String(i) });
      return { points: label.points ?? [], ...(label.x === undefined ? {} : { x: label.x, y: label.y }) };
    }),
  };
  const routed = routing === 'fan-in' ? fanIn(geometry, sizes, labels, edges, index) : geometry;
  cache.set(key, routed);
  return routed;
}

/**
 * Re-routes a left-to-right star: each edge level from its box's right side (through its label,
 * which dagre placed on the box's row) to a vertical bus halfway between the widest label and the
 * shared box, along the bus to the shared box's middle, and into it. Edges meet only on the bus.
 */
function fanIn(
  geometry: Geometry,
  sizes: readonly { readonly width: number; readonly height: number }[],
  labels: readonly { readonly width: number; readonly height: number }[],
  edges: readonly EdgeSpec[],
  index: ReadonlyMap<string, number>,
): Geometry {
  const target = index.get(edges[0]?.to ?? '');
  if (target === undefined || edges.some((edge) => index.get(edge.to) !== target)) return geometry;
  const centre = geometry.boxes[target]!;
  const targetLeft = centre.x - sizes[target]!.width / 2;
  const labelRight = Math.max(
    ...edges.map((edge, i) => {
      const from = index.get(edge.from)!;
      const own = geometry.boxes[from]!.x + sizes[from]!.width / 2;
      return Math.max(own, (geometry.edges[i]?.x ?? own) + labels[i]!.width / 2);
    }),
  );
  const bus = (labelRight + targetLeft) / 2;
  return {
    ...geometry,
    edges: edges.map((edge, i) => {
      const from = index.get(edge.from)!;
      const start = geometry.boxes[from]!;
      const y = start.y;
      const placed = geometry.edges[i];
      const points = [
        { x: start.x + sizes[from]!.width / 2, y },
        { x: bus, y },
        { x: bus, y: centre.y },
        { x: targetLeft, y: centre.y },
      ];
      // The label stays where dagre put it: on the edge's row, between the box and the bus.
      return { points, ...(placed?.x === undefined ? {} : { x: placed.x, y: placed.y ?? y }) };
    }),
  };
}

function laidOut(
  id: string,
  title: string,
  boxes: readonly Box[],
  edges: readonly EdgeSpec[],
  cache: LayoutCache,
  routing: Routing = 'dagre',
): string {
  const geometry = layOut(boxes, edges, cache, routing);
  const placed: PlacedBox[] = boxes.map((box, i) => ({
    ...box,
    ...boxSize(box.lines),
    x: geometry.boxes[i]?.x ?? 0,
    y: geometry.boxes[i]?.y ?? 0,
  }));
  const drawn: PlacedEdge[] = edges.map((edge, i) => {
    const placedEdge = geometry.edges[i];
    return {
      points: placedEdge?.points ?? [],
      label: edge.label,
      ...(placedEdge?.x === undefined || placedEdge.y === undefined
        ? {}
        : { labelX: placedEdge.x, labelY: placedEdge.y }),
    };
  });
  return drawSvg(id, title, geometry.width, geometry.height, placed, drawn);
}

/** Each event (a link to its page) with an arrow into the state labelled with what it changes. */
export function aggregateDiagram(
  aggregate: AggregateDef,
  eventHref: (event: string) => string,
  cache: LayoutCache,
): string {
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
  return laidOut(
    `diagram-${aggregate.name}`,
    `${aggregate.name}: events and state`,
    [...events, state],
    edges,
    cache,
    'fan-in',
  );
}

/** Version 1 → 2 → … → current, each arrow labelled with the fields the upcast renames, adds, computes or drops. */
export function versionChainDiagram(
  payload: string,
  versions: readonly PayloadVersionDef[],
  versionHref: (version: number) => string,
  cache: LayoutCache,
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
  return laidOut(id, `${payload}: versions`, boxes, edges, cache);
}

/** Each view, fed by the aggregates whose events it reads; each arrow labelled with those events. */
export function viewsDiagram(
  domain: DomainDef,
  aggregateHref: (aggregate: string) => string,
  viewHref: (view: string) => string,
  cache: LayoutCache,
): string {
  const feeds = new Map<string, Map<string, string[]>>();
  for (const view of domain.views)
    for (const on of view.on) {
      const byView = feeds.get(on.aggregate) ?? new Map<string, string[]>();
      feeds.set(on.aggregate, byView.set(view.name, [...(byView.get(view.name) ?? []), on.event]));
    }
  const aggregates = [...feeds.keys()].sort();
  const boxes: Box[] = [
    ...aggregates.map((aggregate) => ({
      id: `aggregate:${aggregate}`,
      className: 'aggregate',
      href: aggregateHref(aggregate),
      lines: [aggregate, 'aggregate'],
    })),
    ...domain.views.map((view) => ({
      id: `view:${view.name}`,
      className: 'view',
      href: viewHref(view.name),
      lines: [view.name, `view · ${view.table}`],
    })),
  ];
  const edges: EdgeSpec[] = aggregates.flatMap((aggregate) =>
    [...(feeds.get(aggregate) ?? new Map<string, string[]>())].map(([view, events]) => ({
      from: `aggregate:${aggregate}`,
      to: `view:${view}`,
      label: clip(events, MAX_LABEL_LINES),
    })),
  );
  return laidOut(`views-${domain.name}`, `${domain.name}: views and the aggregates they read`, boxes, edges, cache);
}

/** A system's pipes: each application (a link to its section), an arrow from leader to follower labelled with the events it reads. */
export function pipesDiagram(
  project: ProjectDef,
  system: SystemDef,
  applicationHref: (application: string) => string,
  cache: LayoutCache,
): string {
  const boxes: Box[] = system.applications.map((app) => ({
    id: app.name,
    className: app.kind === 'projection' ? 'view' : app.kind === 'process' ? 'process' : 'application',
    href: applicationHref(app.name),
    lines: [app.name, kindText(app)],
  }));
  const edges: EdgeSpec[] = system.edges.map((edge) => {
    const follower = system.applications.find((app) => app.name === edge.follower);
    const topics = edgeTopics(system, edge, project);
    return {
      from: edge.leader,
      to: edge.follower,
      // Topics are Domain.Aggregate.Event: the leader's domain is its box, so Aggregate.Event says enough.
      label:
        follower?.consumes.length === 0
          ? ['every event']
          : clip(
              topics.map((topic) => topic.split('.').slice(1).join('.')),
              MAX_LABEL_LINES,
            ),
    };
  });
  return laidOut(
    `pipes-${system.name}`,
    `${system.name}: applications and the events between them`,
    boxes,
    edges,
    cache,
  );
}
