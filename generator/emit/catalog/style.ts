/** The catalog's one style sheet: readable on screen and printed, no web fonts (nothing is fetched). */
export const STYLE = `body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d2330; background: #fff; }
header.top { background: #1d2330; padding: 0.6em 1.5em; display: flex; gap: 1.5em; }
header.top a { color: #fff; text-decoration: none; font-weight: 600; }
main { max-width: 72em; margin: 0 auto; padding: 1em 1.5em 3em; }
footer { color: #687082; font-size: 0.85em; padding: 1em 1.5em; border-top: 1px solid #e3e6ec; }
a { color: #1f5fbf; }
h1 .kind { font-size: 0.55em; font-weight: 400; color: #687082; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; background: #f3f5f8; padding: 0 0.25em; border-radius: 3px; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; }
th, td { text-align: left; vertical-align: top; padding: 0.35em 0.6em; border-bottom: 1px solid #e3e6ec; }
th { font-size: 0.85em; color: #687082; font-weight: 600; }
tr.pii td:first-child { border-left: 3px solid #c2410c; }
.badge { font-size: 0.75em; background: #e8eefb; color: #1f4f9f; border-radius: 3px; padding: 0.05em 0.4em; white-space: nowrap; }
.badge.pii { background: #fdebe1; color: #9a3412; }
.muted { color: #687082; }
.crumbs { font-size: 0.9em; margin: 0.5em 0; }
.description { font-size: 1.05em; }
.constraint { white-space: nowrap; }
section.version, section.aggregate, section.type { border: 1px solid #e3e6ec; border-radius: 6px; padding: 0.2em 1em 0.6em; margin: 0.8em 0; }
.upcast { background: #f8fafc; border-left: 3px solid #1f5fbf; padding: 0.2em 1em; }
.upcast li.op-rename, .upcast li.op-custom { font-weight: 600; }
figure.diagram { margin: 1em 0; overflow-x: auto; }
figure.diagram svg { max-width: none; height: auto; }
figcaption { color: #687082; font-size: 0.85em; }
.search { margin: 1em 0 1.5em; }
.search label { display: block; font-weight: 600; margin-bottom: 0.3em; }
.search input { font: inherit; width: 100%; max-width: 30em; padding: 0.4em 0.6em; border: 1px solid #b8bfcc; border-radius: 4px; }
#search-results { list-style: none; padding: 0; }
#search-results li { padding: 0.15em 0; }
ul.events { columns: 3 14em; }
ul.jump { columns: 5 11em; list-style: none; padding: 0; }
svg .node rect { fill: #f3f6fc; stroke: #1f5fbf; stroke-width: 1.2; }
svg .node.state rect { fill: #fff7e6; stroke: #b7791f; }
svg .node.current rect { stroke-width: 2.4; }
svg .node.view rect { fill: #edf8f0; stroke: #2f855a; }
svg .node.process rect { fill: #f5f0fc; stroke: #6b46c1; }
svg a:hover rect { fill: #dde8fb; }
svg text { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; fill: #1d2330; }
svg .node text.title { font-weight: 700; }
svg .edge path { fill: none; stroke: #687082; stroke-width: 1.2; }
svg .edge text { fill: #3b4252; }
svg .edge rect { fill: #fff; opacity: 0.9; }
@media print { header.top, .search { display: none; } }
`;
