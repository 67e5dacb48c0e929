/**
 * `eventforge catalog` end to end on real temporary folders, and the emitter on the example
 * schemas: what the pages say, that every link lands, and that the same schemas give the same bytes.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emitCatalog } from '../../generator/emit/catalog/index.js';
import { compileWith } from '../../generator/pipeline.js';
import { main, type CliIo } from '../../cli/main.js';
import { describeSystems } from '../../cli/catalog/describe-system.js';
import { syntheticSchema } from '../../bench/synthetic-schema.js';
import { brokenLinks, siteFiles } from './site-files.js';
import { labelCount, linesUnderLabels } from './diagram-geometry.js';

const repo = join(import.meta.dirname, '..', '..');
let dir: string;

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd: dir, out: (line) => out.push(line), err: (line) => err.push(line) };
  return { code: await main(argv, io), out, err };
}

const page = (path: string): string => readFileSync(join(dir, 'catalog', path), 'utf8');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eventforge-catalog-'));
  cpSync(join(repo, 'schemas'), join(dir, 'schemas'), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('eventforge catalog', () => {
  it('writes an index, a page per domain, aggregate and event, and every link lands', async () => {
    const { code, out, err } = await run(['catalog', '--schemas', 'schemas']);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(
      /^eventforge catalog: 7 domains, 56 files written, 0 unchanged, 0 removed; open catalog\/index.html/,
    );
    const files = siteFiles(join(dir, 'catalog'));
    expect(files).toContain('index.html');
    expect(files).toContain('style.css');
    expect(files).toContain('bank/index.html');
    expect(files).toContain('bank/account/index.html');
    expect(files).toContain('bank/account/deposited.html');
    expect(files).toContain('dog-school/dog/index.html');
    expect(brokenLinks(join(dir, 'catalog'))).toEqual([]);
  });

  it("shows an event's versions, the upcast path between them, its fields' constraints and personal data", async () => {
    expect((await run(['catalog', '--schemas', 'schemas'])).code).toBe(0);
    const deposited = page('bank/account/deposited.html');
    for (const version of [1, 2, 3]) expect(deposited).toContain(`<h3>Version ${version}`);
    expect(deposited).toContain('<code>amount</code>: renamed from sum');
    expect(deposited).toContain('<code>reference</code>: added, defaulted to &quot;&quot;');
    expect(deposited).toContain('<code>transactionId</code>: computed by depositTransactionId()');
    expect(deposited).toContain('<code>channel</code>: dropped');
    expect(deposited).toContain('./bank.upcasters.ts');
    expect(deposited).toContain('<code class="constraint">min 0.01</code>');
    expect(deposited).toContain('<code class="constraint">maxLength 140</code>');
    expect(deposited).toMatch(/<svg [^>]*id="chain-Deposited"/);
    const opened = page('bank/account/opened.html');
    expect(opened).toMatch(/<tr class="pii">\s*<td><code>owner<\/code> <span class="badge pii"/);
    expect(opened).toContain('<code class="constraint">pattern ^[^@\\s]+@[^@\\s]+$</code>');
    expect(opened).toContain('encrypted with the data key of the aggregate itself (the subject is its id)');
    expect(opened).toContain('<span class="muted">once forgotten: the Redacted marker</span>');
    expect(page('identity/user/registered.html')).toContain('<span class="muted">once forgotten: &quot;&quot;</span>');
    const account = page('bank/account/index.html');
    expect(account).toContain('<code>owner</code>: renamed from holder');
    expect(account).toContain('<code>status</code>: computed by accountStatusFromClosed()');
    expect(account).toMatch(/<svg [^>]*id="diagram-Account"/);
    expect(account).toContain('<a href="deposited.html"><rect');
  });

  it('lists the views that read an event, and each view with its columns and the events it reads', async () => {
    expect((await run(['catalog', '--schemas', 'schemas'])).code).toBe(0);
    expect(page('dog-school/dog/trick-added.html')).toMatch(
      /<h2>Consumed by<\/h2>\s*<ul><li>view <a href="..\/index.html#view-dog-tricks">DogTricks<\/a> <span class="muted">\(increment, list\)<\/span><\/li><\/ul>/,
    );
    expect(page('bank/account/limit-set.html')).toContain('No view in these schemas reads this event.');
    const dogSchool = page('dog-school/index.html');
    expect(dogSchool).toContain('<section class="type" id="view-dog-tricks">');
    expect(dogSchool).toMatch(/<svg [^>]*id="views-DogSchool"/);
    expect(dogSchool).toContain('<g class="node view" data-id="view:DogTricks"><a href="#view-dog-tricks">');
    expect(dogSchool).toContain('<g class="node aggregate" data-id="aggregate:Dog"><a href="dog/index.html">');
    expect(dogSchool).toContain(
      '<a href="dog/trick-added.html">Dog.TrickAdded</a> <span class="muted">(increment, list)</span>',
    );
    expect(dogSchool).toMatch(/<td><code>trickCount<\/code><\/td>\s*<td><code>int<\/code><\/td>/);
  });

  it('writes nothing again when nothing changed, and removes the page of an event that is gone', async () => {
    expect((await run(['catalog', '--schemas', 'schemas'])).code).toBe(0);
    const again = await run(['catalog', '--schemas', 'schemas']);
    expect(again.out.join('\n')).toMatch(/0 files written, 56 unchanged, 0 removed/);
    const bank = join(dir, 'schemas', 'bank.domain.yaml');
    writeFileSync(
      bank,
      readFileSync(bank, 'utf8')
        .replace('      Frozen:\n', '      Blocked:\n')
        .replace(/Frozen/g, 'Blocked'),
    );
    const changed = await run(['catalog', '--schemas', 'schemas']);
    expect(changed.err).toEqual([]);
    expect(siteFiles(join(dir, 'catalog'))).toContain('bank/account/blocked.html');
    expect(siteFiles(join(dir, 'catalog'))).not.toContain('bank/account/frozen.html');
    expect(brokenLinks(join(dir, 'catalog'))).toEqual([]);
  });

  it('writes nothing when a schema has an error, and says where', async () => {
    mkdirSync(join(dir, 'broken'));
    writeFileSync(
      join(dir, 'broken', 'shop.domain.yaml'),
      'domain: Shop\naggregates:\n  Cart:\n    state: { fields: { total: decimal } }\n    events:\n      Opened: { creates: true, fields: { total: money } }\n',
    );
    const { code, out, err } = await run(['catalog', '--schemas', 'broken']);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('broken/shop.domain.yaml:6');
    expect(out.join('\n')).toMatch(/nothing written/);
    expect(siteFiles(dir).some((path) => path.startsWith('catalog/'))).toBe(false);
  });

  it('escapes what the schemas say: a description cannot add markup or end the search script', async () => {
    mkdirSync(join(dir, 'odd'));
    writeFileSync(
      join(dir, 'odd', 'shop.domain.yaml'),
      'domain: Shop\ndescription: "Sells <b>things</b></script><script>alert(1)</script>"\naggregates:\n  Cart:\n    state: { fields: { total: decimal } }\n    events:\n      Opened: { creates: true, description: "x </script> y", fields: { total: decimal } }\n',
    );
    expect((await run(['catalog', '--schemas', 'odd'])).code).toBe(0);
    const index = page('index.html');
    expect(index).toContain('Sells &lt;b&gt;things&lt;/b&gt;&lt;/script&gt;');
    expect(index.match(/<\/script>/g)?.length).toBe(2);
    expect(page('shop/cart/opened.html')).toContain('x &lt;/script&gt; y');
  });
});

describe('eventforge catalog --system', () => {
  const system = join(repo, 'examples', 'counters-system.ts');

  it("draws the module's system: its page and pipes, the process application on the event pages and in the search", async () => {
    const { code, out, err } = await run(['catalog', '--schemas', 'schemas', '--system', system]);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^eventforge catalog: 7 domains, 1 system, 57 files written/);
    const systemPage = page('systems/counters-system.html');
    expect(systemPage).toMatch(/<svg [^>]*id="pipes-counters-system"/);
    expect(systemPage).toContain('<g class="node process" data-id="Counters"><a href="#app-counters">');
    expect(systemPage).toContain('<g class="node view" data-id="DogTricksProjection">');
    expect(systemPage).toContain('<a href="../dog-school/dog/trick-added.html">Dog.TrickAdded</a>');
    expect(systemPage).toContain('Keeps the view <a href="../dog-school/index.html#view-dog-tricks">DogTricks</a>');
    expect(page('dog-school/dog/trick-added.html')).toContain(
      '<li>process application <a href="../../systems/counters-system.html#app-counters">Counters</a> ' +
        '<span class="muted">(its policy, in system counters-system; saves Counter)</span></li>',
    );
    // The view's projection is listed once, as the view.
    expect(page('dog-school/dog/registered.html')).not.toContain('DogTricksProjection');
    expect(page('index.html')).toContain('{"name":"Counters","kind":"process application","within":"counters-system"');
    expect(brokenLinks(join(dir, 'catalog'))).toEqual([]);
  });

  it('refuses a system the schemas contradict, and a module exporting no system; nothing written', async () => {
    const partial = await run(['catalog', '--schemas', 'schemas/counters.domain.yaml', '--system', system]);
    expect(partial.code).toBe(1);
    // The module is outside the folder the command runs in: named by its absolute path.
    expect(partial.err.map((line) => line.replace(system, 'examples/counters-system.ts'))).toEqual([
      'eventforge catalog: examples/counters-system.ts: DogSchool stores the domain DogSchool, which no schema declares; add its schema, or run `eventforge generate` if the generated code is stale',
      'eventforge catalog: examples/counters-system.ts: Counters reads DogSchool.Dog.TrickAdded, which no schema declares; run `eventforge generate` if the generated code is stale',
      'eventforge catalog: examples/counters-system.ts: DogTricksProjection reads DogSchool.Dog.Registered, which no schema declares; run `eventforge generate` if the generated code is stale',
      'eventforge catalog: examples/counters-system.ts: DogTricksProjection reads DogSchool.Dog.TrickAdded, which no schema declares; run `eventforge generate` if the generated code is stale',
    ]);
    const twice = await run(['catalog', '--schemas', 'schemas', '--system', system, '--system', system]);
    expect(twice.code).toBe(1);
    expect(twice.err.map((line) => line.replaceAll(system, 'examples/counters-system.ts'))).toEqual([
      "eventforge catalog: examples/counters-system.ts: system counters-system would have the page of examples/counters-system.ts's system; rename one",
    ]);
    writeFileSync(join(dir, 'empty.mjs'), 'export const notASystem = { edges: [] };\n');
    const empty = await run(['catalog', '--schemas', 'schemas', '--system', 'empty.mjs']);
    expect(empty.code).toBe(1);
    expect(empty.err.join('\n')).toContain('eventforge catalog: empty.mjs exports no System; export one');
    const missing = await run(['catalog', '--schemas', 'schemas', '--system', 'nowhere.ts']);
    expect(missing.err).toEqual([
      'eventforge catalog: nowhere.ts: no such file (a system module, from --system or the config\'s "systems")',
    ]);
    expect(siteFiles(dir).some((path) => path.startsWith('catalog/'))).toBe(false);
  });

  it("draws the config file's systems without --system", async () => {
    writeFileSync(join(dir, 'eventforge.config.json'), JSON.stringify({ schemas: 'schemas', systems: [system] }));
    const { code, out, err } = await run(['catalog']);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^eventforge catalog: 7 domains, 1 system, 57 files written/);
    expect(siteFiles(join(dir, 'catalog'))).toContain('systems/counters-system.html');
  });
});

describe('emitCatalog', () => {
  const compileProject = (sources: { path: string; text: string }[]) => {
    const result = compileWith({ sources, skipEmit: true }, []);
    if (result.project === undefined) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
    return result.project;
  };

  it('gives the same bytes for the same schemas, in whatever order they are read', () => {
    const names = ['bank', 'dog-school', 'identity', 'person-registry', 'worked-example'];
    const sources = names.map((name) => {
      const path = `schemas/${name}.domain.yaml`;
      return { path, text: readFileSync(join(repo, path), 'utf8') };
    });
    const first = emitCatalog(compileProject(sources));
    const second = emitCatalog(compileProject([...sources].reverse()));
    expect(second).toEqual(first);
    expect(first.map((file) => file.path)).toEqual([...first.map((file) => file.path)].sort());
    for (const file of first)
      expect(file.contents).toMatch(/^(<!--|\/\*) Code generated by eventforge from .+\. DO NOT EDIT\./);
  });

  it('draws every diagram of the synthetic 100-aggregate schema with each event box linked to its page', () => {
    const text = syntheticSchema({ aggregates: 100, events: 10, versions: 3 });
    const files = emitCatalog(compileProject([{ path: 'schemas/synthetic.domain.yaml', text }]));
    const aggregatePages = files.filter((file) => /^synthetic\/[^/]+\/index\.html$/.test(file.path));
    expect(aggregatePages).toHaveLength(100);
    for (const file of aggregatePages) {
      const boxes = [...file.contents.matchAll(/<g class="node event"[^>]*><a href="([^"]+)">/g)];
      expect(boxes).toHaveLength(10);
      for (const box of boxes)
        expect(files.some((other) => other.path === file.path.replace('index.html', box[1] ?? ''))).toBe(true);
    }
    expect(files.filter((file) => file.contents.includes('<svg ')).length).toBe(1100);
  });

  it("runs no diagram's line under another edge's label (examples and the synthetic schema)", () => {
    const examples = readdirSync(join(repo, 'schemas'))
      .filter((name) => name.endsWith('.domain.yaml'))
      .map((name) => ({ path: `schemas/${name}`, text: readFileSync(join(repo, 'schemas', name), 'utf8') }));
    const synthetic = syntheticSchema({ aggregates: 100, events: 10, versions: 3 });
    for (const sources of [examples, [{ path: 'schemas/synthetic.domain.yaml', text: synthetic }]]) {
      const pages = emitCatalog(compileProject(sources)).filter((file) => file.path.endsWith('.html'));
      expect(pages.flatMap((page) => linesUnderLabels(page.contents).map((c) => `${page.path}: ${c}`))).toEqual([]);
      expect(pages.reduce((sum, page) => sum + labelCount(page.contents), 0)).toBeGreaterThan(20);
    }
  });

  it('sees a line under a label (so the check above can fail)', () => {
    const svg =
      '<svg id="d"><path data-edge="0" d="M0 10L100 10"/><path data-edge="1" d="M0 50L100 50"/>' +
      '<rect data-edge="1" x="40" y="0" width="20" height="20"/></svg>';
    expect(linesUnderLabels(svg)).toEqual(['d: edge 0 runs under the label of edge 1']);
    expect(linesUnderLabels(svg.replace('height="20"', 'height="5"'))).toEqual([]);
  });
});

// catalog/ is checked in (the README links it): exactly what `npm run catalog` writes for schemas/
// and the examples' system (examples/counters-system.ts, named as from the repository's root).
describe('checked-in catalog/', () => {
  it('has no drift from schemas/ (run `npm run catalog` and commit catalog/ when this fails)', async () => {
    const sources = readdirSync(join(repo, 'schemas'))
      .filter((name) => name.endsWith('.domain.yaml'))
      .map((name) => ({ path: `schemas/${name}`, text: readFileSync(join(repo, 'schemas', name), 'utf8') }));
    const result = compileWith({ sources, skipEmit: true }, []);
    if (result.project === undefined) throw new Error('schemas/ does not compile');
    // `npm run catalog`'s systems: the Counters system and the shop.
    const systems = [
      ...(await describeSystems(join(repo, 'examples', 'counters-system.ts'), 'examples/counters-system.ts')),
      ...(await describeSystems(join(repo, 'examples', 'shop.ts'), 'examples/shop.ts')),
    ];
    const wanted = emitCatalog(result.project, systems);
    const onDisk = siteFiles(join(repo, 'catalog'));
    expect(onDisk).toEqual(wanted.map((file) => file.path));
    for (const file of wanted) expect(readFileSync(join(repo, 'catalog', file.path), 'utf8')).toBe(file.contents);
  });
});
