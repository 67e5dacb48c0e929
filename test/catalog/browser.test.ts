/**
 * The catalog of the example schemas in a real browser: headless Chromium (Debian's `chromium`,
 * driven by playwright-core) opens every page from file://. Without /usr/bin/chromium the suite
 * skips with one line, except under CI=true (.ci/run installs it), where it runs and fails loudly.
 * Screenshots of the index, an event page and a diagram go to .tmp/catalog-browser/screenshots/.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
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
      ['catalog', '--schemas', 'schemas', '--system', 'examples/counters-system.ts', '--out', site],
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
    expect(pages.length).toBe(46);
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
});
