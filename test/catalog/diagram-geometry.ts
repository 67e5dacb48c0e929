/**
 * Reading the catalog's SVG diagrams back as geometry: each edge's line segments and label
 * rectangle (paired by `data-edge`), to check that no line runs under another edge's label.
 */

interface Point {
  readonly x: number;
  readonly y: number;
}
interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Does the segment a–b pass through the inside of `rect` (shrunk by 1 px: touching is fine)? */
function crosses(a: Point, b: Point, rect: Rect): boolean {
  const [left, right, top, bottom] = [rect.x + 1, rect.x + rect.width - 1, rect.y + 1, rect.y + rect.height - 1];
  // Liang–Barsky: clip the segment's parameter range to the rectangle.
  let [t0, t1] = [0, 1];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  for (const [p, q] of [
    [-dx, a.x - left],
    [dx, right - a.x],
    [-dy, a.y - top],
    [dy, bottom - a.y],
  ] as const) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
    }
  }
  return t0 < t1;
}

/** "svg id: edge i runs under the label of edge j" for every such crossing in the page's diagrams. */
export function linesUnderLabels(html: string): string[] {
  const found: string[] = [];
  for (const svg of html.matchAll(/<svg [^>]*id="([^"]+)"[\s\S]*?<\/svg>/g)) {
    const text = svg[0];
    const lines = [...text.matchAll(/<path data-edge="(\d+)" d="([^"]+)"/g)].map((m) => ({
      edge: m[1]!,
      points: [...m[2]!.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((p) => ({ x: Number(p[1]), y: Number(p[2]) })),
    }));
    const labels = [
      ...text.matchAll(/<rect data-edge="(\d+)" x="(-?[\d.]+)" y="(-?[\d.]+)" width="([\d.]+)" height="([\d.]+)"/g),
    ].map((m) => ({ edge: m[1]!, rect: { x: +m[2]!, y: +m[3]!, width: +m[4]!, height: +m[5]! } }));
    for (const line of lines)
      for (const label of labels) {
        if (label.edge === line.edge) continue;
        const under = line.points.slice(1).some((b, i) => crosses(line.points[i]!, b, label.rect));
        if (under) found.push(`${svg[1]}: edge ${line.edge} runs under the label of edge ${label.edge}`);
      }
  }
  return found;
}

/** How many diagrams the page has, and how many labelled edges they draw (so a check of none cannot pass). */
export function labelCount(html: string): number {
  return [...html.matchAll(/<rect data-edge=/g)].length;
}
