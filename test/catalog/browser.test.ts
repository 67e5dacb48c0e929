/**
 * The catalog of the example schemas in a real browser: headless Chromium (Debian's `chromium`,
 * driven by playwright-core) opens every page from file://. Without /usr/bin/chromium the suite
 * skips with one line, except under CI=true (.ci/run installs it), where it runs and fails loudly.
 * Screenshots of the index, an event page and a diagram go to .tmp/catalog-browser/screenshots/.
 * Then the catalog of the synthetic 100-aggregate schema (bench/synthetic-schema.ts): its domain
 * page and search at that size.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { syntheticSchema } from '../../bench/synthetic-schema.js';
import { siteFiles } from './site-files.js';

const CHROMIUM = '/usr/bin/chromium';
const repo = join(import.meta.dirname, '..', '..');
const output = join(repo, '.tmp', 'catalog-browser');
const site = join(output, 'site');
const screenshots = join(output, 'screenshots');

const skipReason =
  process.env.CI === 'true' || existsSync(CHROMIUM)
    ? undefined
    : `no ${CHROMIUM} (apt-get install -y chromium, or run with CI=true to fail instead)`;
if (skipReason !== undefined) console.log(`catalog browser tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('the catalog in Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    rmSync(output, { recursive: true, force: true });
    mkdirSync(screenshots, { recursive: true });
    const lines: string[] = [];
    const io = { cwd: repo, out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
    const code = await main(
      [
        'catalog',
        '--schemas',
        'schemas',
        '--system',
        'examples/counters-system.ts',
        '--system',
        'examples/shop.ts',
        '--out',
        site,
      ],
      io,
    );
    if (code !== 0) throw new Error(`eventforge catalog failed:\n${lines.join('\n')}`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a page (in a new tab, or in `reuse`) and records what would show as a problem in the browser's console. */
  async function open(path: string, reuse?: Page): Promise<{ page: Page; problems: string[] }> {
    const page = reuse ?? (await browser.newPage({ viewport: { width: 1200, height: 900 } }));
    page.removeAllListeners();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    const response = await page.goto(pathToFileURL(join(site, path)).href, { waitUntil: 'load' });
    if (response !== null && !response.ok()) problems.push(`status ${response.status()}`);
    return { page, problems };
  }

  it('loads every page with no console error, and every link lands on a page and anchor that exist', async () => {
    const pages = siteFiles(site).filter((path) => path.endsWith('.html'));
    expect(pages.length).toBe(57);
    const broken: string[] = [];
    const tab = await browser.newPage();
    for (const path of pages) {
      const { page, problems } = await open(path, tab);
      broken.push(...problems.map((problem) => `${path}: ${problem}`));
      // As the browser resolved them: absolute URLs, what a click would open.
      const targets = await page.$$eval('a[href]', (links) =>
        links.map((link) => {
          // No DOM types in this project's compile: the two members used, typed here.
          const element = link as unknown as { getAttribute(name: string): string | null; baseURI: string };
          return new URL(element.getAttribute('href') ?? '', element.baseURI).href;
        }),
      );
      for (const target of targets) {
        const url = new URL(target);
        if (url.protocol !== 'file:') {
          broken.push(`${path}: ${target} leaves the catalog`);
          continue;
        }
        const file = fileURLToPath(url);
        if (!existsSync(file)) broken.push(`${path}: ${target} (no such file)`);
        else if (
          url.hash !== '' &&
          !readFileSync(file, 'utf8').includes(` id="${decodeURIComponent(url.hash.slice(1))}"`)
        )
          broken.push(`${path}: ${target} (no such anchor)`);
      }
      expect(targets.length).toBeGreaterThan(2);
    }
    await tab.close();
    expect(broken).toEqual([]);
  }, 180_000);

  it('finds an event by name from the search box and opens its page', async () => {
    const { page, problems } = await open('index.html');
    await page.screenshot({ path: join(screenshots, 'index.png'), fullPage: true });
    await page.fill('#search-box', 'deposit');
    const result = page.locator('#search-results a', { hasText: /^Deposited$/ });
    await expect.poll(() => result.count()).toBe(1);
    expect(await page.locator('#search-results li').first().innerText()).toContain('event in Bank › Account');
    await page.fill('#search-box', 'NoSuchThing');
    await expect.poll(() => page.locator('#search-results').innerText()).toContain('Nothing is named like that.');
    await page.fill('#search-box', 'Deposited');
    await page.screenshot({ path: join(screenshots, 'search.png') });
    await page.locator('#search-results a', { hasText: /^Deposited$/ }).click();
    await page.waitForURL(/\/bank\/account\/deposited\.html$/);
    expect(await page.locator('h1').innerText()).toContain('Deposited');
    await page.screenshot({ path: join(screenshots, 'event.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("draws an aggregate's diagram whose event boxes link to their pages", async () => {
    const { page, problems } = await open('bank/account/index.html');
    const diagram = page.locator('svg#diagram-Account');
    await expect.poll(() => diagram.isVisible()).toBe(true);
    const box = await diagram.boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    await page
      .locator('figure.diagram')
      .first()
      .screenshot({ path: join(screenshots, 'diagram.png') });
    await page.screenshot({ path: join(screenshots, 'aggregate.png'), fullPage: true });
    const boxes = diagram.locator('g.node.event a');
    const eventRows = await page.locator('table.overview tbody tr').count();
    expect(await boxes.count()).toBe(eventRows);
    // The state box is drawn, and no two boxes overlap.
    const rects = await diagram
      .locator('g.node rect')
      .evaluateAll((nodes) =>
        nodes
          .map((node) =>
            (node as unknown as { getBBox(): { x: number; y: number; width: number; height: number } }).getBBox(),
          )
          .map((b) => ({ x: b.x, y: b.y, w: b.width, h: b.height })),
      );
    expect(rects.length).toBe(eventRows + 1);
    for (const [i, a] of rects.entries())
      for (const b of rects.slice(i + 1))
        expect(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y).toBe(true);
    await diagram.locator('g.node.event[data-id="Deposited"] a').click();
    await page.waitForURL(/\/bank\/account\/deposited\.html$/);
    const chain = page.locator('svg#chain-Deposited');
    expect(await chain.locator('g.node a').count()).toBe(3);
    await chain.locator('g.node[data-id="v1"] a').click();
    await page.waitForURL(/deposited\.html#v1$/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("draws a system's pipes, each box a link to its application, and an event page links to its process application", async () => {
    const { page, problems } = await open('systems/counters-system.html');
    const diagram = page.locator('svg#pipes-counters-system');
    await expect.poll(() => diagram.isVisible()).toBe(true);
    await page
      .locator('figure.diagram')
      .first()
      .screenshot({ path: join(screenshots, 'pipes.png') });
    expect(await diagram.locator('g.node a').count()).toBe(3);
    expect(await diagram.locator('g.edge text').allTextContents()).toEqual(
      expect.arrayContaining(['Dog.TrickAdded', 'Dog.Registered']),
    );
    await diagram.locator('g.node[data-id="Counters"] a').click();
    await page.waitForURL(/counters-system\.html#app-counters$/);
    expect(await page.locator('#app-counters').innerText()).toContain('process application');
    await page.locator('#app-counters a', { hasText: 'Dog.TrickAdded' }).click();
    await page.waitForURL(/\/dog-school\/dog\/trick-added\.html$/);
    await page.locator('a', { hasText: /^Counters$/ }).click();
    await page.waitForURL(/counters-system\.html#app-counters$/);
    // The search finds the process application (beside the Counters domain).
    await page.goto(new URL('../index.html', page.url()).href);
    await page.fill('#search-box', 'Counters');
    const found = page.locator('#search-results li', { hasText: 'process application in counters-system' });
    await expect.poll(() => found.count()).toBe(1);
    await found.locator('a').click();
    await page.waitForURL(/counters-system\.html#app-counters$/);
    expect(problems).toEqual([]);
    await page.close();
  });
  it("draws the shop's chain: Orders → Reservations → Payments, and the view beside Reservations", async () => {
    const { page, problems } = await open('systems/shop.html');
    const diagram = page.locator('svg#pipes-shop');
    await expect.poll(() => diagram.isVisible()).toBe(true);
    await page.screenshot({ path: join(screenshots, 'system.png'), fullPage: true });
    expect(
      await diagram.locator('g.node').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-id'))),
    ).toEqual(['Orders', 'Reservations', 'Payments', 'StockLevelsProjection']);
    expect(await diagram.locator('g.edge text').allTextContents()).toEqual(
      expect.arrayContaining(['Order.Placed', 'Stock.Reserved']),
    );
    await diagram.locator('g.node[data-id="Payments"] a').click();
    await page.waitForURL(/shop\.html#app-payments$/);
    expect(await page.locator('#app-payments').innerText()).toContain('Follows Reservations');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe.skipIf(skipReason !== undefined)('the catalog of the synthetic 100-aggregate schema in Chromium', () => {
  let browser: Browser;
  const synthetic = join(output, 'synthetic');

  beforeAll(async () => {
    rmSync(synthetic, { recursive: true, force: true });
    mkdirSync(join(synthetic, 'schemas'), { recursive: true });
    mkdirSync(screenshots, { recursive: true });
    writeFileSync(
      join(synthetic, 'schemas', 'synthetic.domain.yaml'),
      syntheticSchema({ aggregates: 100, events: 10, versions: 3 }),
    );
    const lines: string[] = [];
    const io = { cwd: synthetic, out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
    if ((await main(['catalog'], io)) !== 0) throw new Error(`eventforge catalog failed:\n${lines.join('\n')}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('lists the hundred aggregates on the domain page with a list to jump from, and the search says how many it leaves out', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(pathToFileURL(join(synthetic, 'catalog', 'synthetic', 'index.html')).href);
    expect(await page.locator('section.aggregate').count()).toBe(100);
    // A list of the hundred to jump from, at the top.
    expect(await page.locator('ul.jump a').count()).toBe(100);
    await page.screenshot({ path: join(screenshots, 'synthetic-domain.png') });
    await page.locator('ul.jump a', { hasText: /^ThingCv$/ }).click();
    await page.waitForURL(/#aggregate-thing-cv$/);
    expect(await page.locator('#aggregate-thing-cv h3').innerText()).toContain('ThingCv');
    await page.goto(pathToFileURL(join(synthetic, 'catalog', 'index.html')).href);
    await page.fill('#search-box', 'ThingB');
    const results = page.locator('#search-results li a');
    await expect.poll(() => results.count()).toBe(50);
    // The aggregate itself first (an exact match), then what starts with its name.
    expect(await results.first().innerText()).toBe('ThingB');
    expect(await page.locator('#search-results li.more').innerText()).toMatch(
      /^… and \d+ more: type more of the name\.$/,
    );
    await page.screenshot({ path: join(screenshots, 'synthetic-search.png') });
    await page.fill('#search-box', 'ThingBStepCDone');
    await expect.poll(() => results.count()).toBe(1);
    await results.first().click();
    await page.waitForURL(/\/synthetic\/thing-b\/thing-b-step-c-done\.html$/);
    await page.goto(pathToFileURL(join(synthetic, 'catalog', 'synthetic', 'thing-b', 'index.html')).href);
    await page
      .locator('figure.diagram')
      .first()
      .screenshot({ path: join(screenshots, 'synthetic-diagram.png') });
    expect(problems).toEqual([]);
    await page.close();
  });
});
