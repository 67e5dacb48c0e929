/**
 * Draws a laid-out graph as SVG text: boxes of monospace lines (optionally links), edges as
 * polylines with an arrow and an optional label. Sizes come from a fixed character width, so
 * the layout needs no browser to measure text. Coordinates are rounded: same layout, same bytes.
 */

/** Width of one character of the 12px monospace font the catalog's style sheet sets on SVG text. */
export const CHAR_WIDTH = 7.3;
export const LINE_HEIGHT = 16;
const PADDING = 8;

export interface Box {
  readonly id: string;
  /** The first line is the box's title (bold). */
  readonly lines: readonly string[];
  readonly className: string;
  readonly href?: string;
}

export interface PlacedBox extends Box {
  /** Centre. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedEdge {
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly label: readonly string[];
  /** Label centre, when there is a label. */
  readonly labelX?: number;
  readonly labelY?: number;
}

export function boxSize(lines: readonly string[]): { width: number; height: number } {
  const longest = Math.max(0, ...lines.map((line) => line.length));
  return { width: Math.ceil(longest * CHAR_WIDTH + 2 * PADDING), height: lines.length * LINE_HEIGHT + 2 * PADDING };
}

const num = (value: number): string => String(Math.round(value * 10) / 10);

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function textLines(lines: readonly string[], x: number, top: number, anchor: string, titleClass: boolean): string {
  return lines
    .map(
      (line, index) =>
        `<text x="${num(x)}" y="${num(top + (index + 0.75) * LINE_HEIGHT)}" text-anchor="${anchor}"${index === 0 && titleClass ? ' class="title"' : ''}>${escapeXml(line)}</text>`,
    )
    .join('');
}

function drawBox(box: PlacedBox): string {
  const left = box.x - box.width / 2;
  const top = box.y - box.height / 2;
  const shape =
    `<rect x="${num(left)}" y="${num(top)}" width="${num(box.width)}" height="${num(box.height)}" rx="4"/>` +
    textLines(box.lines, left + PADDING, top + PADDING, 'start', true);
  const inner = box.href === undefined ? shape : `<a href="${escapeXml(box.href)}">${shape}</a>`;
  return `<g class="node ${box.className}" data-id="${escapeXml(box.id)}">${inner}</g>`;
}

// `data-edge` pairs an edge's line with its label (the tests check no line runs under another's label).
function edgePath(edge: PlacedEdge, index: number, marker: string): string {
  const [first, ...rest] = edge.points;
  if (first === undefined) return '';
  const path = `M${num(first.x)} ${num(first.y)}${rest.map((p) => `L${num(p.x)} ${num(p.y)}`).join('')}`;
  return `<path data-edge="${index}" d="${path}" marker-end="url(#${marker})"/>`;
}

function edgeLabel(edge: PlacedEdge, index: number): string {
  if (edge.label.length === 0 || edge.labelX === undefined || edge.labelY === undefined) return '';
  const size = boxSize(edge.label);
  const top = edge.labelY - size.height / 2 + PADDING;
  return (
    `<rect data-edge="${index}" x="${num(edge.labelX - size.width / 2)}" y="${num(top - 2)}" width="${num(size.width)}" height="${num(edge.label.length * LINE_HEIGHT + 4)}"/>` +
    textLines(edge.label, edge.labelX, top, 'middle', false)
  );
}

/** The SVG element; `id` must be unique on its page (it names the arrow marker). */
export function drawSvg(
  id: string,
  title: string,
  width: number,
  height: number,
  boxes: readonly PlacedBox[],
  edges: readonly PlacedEdge[],
): string {
  const marker = `${id}-arrow`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeXml(id)}" role="img" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}">` +
    `<title>${escapeXml(title)}</title>` +
    `<defs><marker id="${escapeXml(marker)}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#687082"/></marker></defs>` +
    // Every line first, then every label on its white ground: no line runs over a label's text.
    `<g class="edge">${edges.map((edge, i) => edgePath(edge, i, marker)).join('')}${edges.map(edgeLabel).join('')}</g>` +
    boxes.map(drawBox).join('') +
    '</svg>'
  );
}
