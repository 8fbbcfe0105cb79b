/**
 * The web page in headless Chromium, served by the bundled app over seeded dynalite: categories from
 * the CSV, a category's resources with bookmarks, the text filter, keyboard use. Screenshot in test-output/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startDynalite, type TestDynalite } from '../support/dynalite';
import { createSeededTables, seedItems, serviceEnv } from '../../scripts/lib/seeded-tables';
import { launchChromium } from '../support/service-browser';
import { buildServiceBundle, startBundledService, type BundledService } from '../../scripts/lib/service-bundle';

jest.setTimeout(60_000);

const OUTPUT_DIR = path.resolve(__dirname, '..', '..', 'test-output');
type Row = Record<string, unknown>;

let dynamo: TestDynalite;
let bundleDir: string;
let service: BundledService;
let browser: Browser;
let page: Page;
let categories: Row[];
let resources: Row[];
let bookmarks: Row[];
let chosen: Row;

const titlesOf = (rows: Row[]): string[] => rows.map((r) => String(r.title)).sort();
const shownTitles = async (): Promise<string[]> => (await page.locator('#resources > li h3').allTextContents()).sort();
const resourcesOf = (category: Row): Row[] => resources.filter((r) => r.categoryId === category.id);

beforeAll(async () => {
  [dynamo, bundleDir, browser] = await Promise.all([startDynalite(), buildServiceBundle(), launchChromium()]);
  const tables = await createSeededTables(dynamo.endpoint);
  [categories, resources, bookmarks] = ['Category', 'Resource', 'Bookmark'].map((t) => seedItems(tables, t));
  // The category with the most resources, so the filter has something to narrow.
  chosen = [...categories].sort((a, b) => resourcesOf(b).length - resourcesOf(a).length)[0];
  service = await startBundledService(bundleDir, serviceEnv(dynamo.endpoint, tables.names));
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await dynamo?.stop();
  if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
});

describe('the web page', () => {
  test('shows every category from the CSV, in sortOrder', async () => {
    await page.goto(service.url);
    await page.locator('#categories button').first().waitFor();
    const names = await page.locator('#categories button').evaluateAll((buttons) => buttons.map((b) => b.firstChild?.textContent));
    const expected = [...categories].sort((a, b) => Number(a.sortOrder) - Number(b.sortOrder)).map((c) => c.name);
    expect(names).toEqual(expected);
  });

  test('choosing a category lists exactly its resources', async () => {
    await page.locator(`#categories button[data-id="${String(chosen.id)}"]`).click();
    await page.locator('#status', { hasText: `${resourcesOf(chosen).length} resources.` }).waitFor();
    expect(await shownTitles()).toEqual(titlesOf(resourcesOf(chosen)));
  });

  test("shows each listed resource's bookmarks", async () => {
    const withBookmarks = resourcesOf(chosen).find((r) => bookmarks.some((b) => b.resourceId === r.id));
    expect(withBookmarks).toBeDefined();
    const items = await page.locator(`#resources > li[data-id="${String(withBookmarks!.id)}"] .bookmarks li`).count();
    expect(items).toBe(bookmarks.filter((b) => b.resourceId === withBookmarks!.id).length);
  });

  test('the filter narrows the list to matching resources', async () => {
    const needle = String(resourcesOf(chosen)[0].title);
    const matching = resourcesOf(chosen).filter((r) =>
      [r.title, r.description, ...((r.tags as string[] | undefined) ?? [])].join(' ').toLowerCase().includes(needle.toLowerCase()),
    );
    expect(matching.length).toBeLessThan(resourcesOf(chosen).length);
    await page.getByLabel('Filter resources').fill(needle);
    await page.locator('#status', { hasText: `${matching.length} of` }).waitFor();
    expect(await shownTitles()).toEqual(titlesOf(matching));
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'service-page.png'), fullPage: true });
  });

  test('a category can be chosen with the keyboard alone', async () => {
    const other = categories.find((c) => c.id !== chosen.id && resourcesOf(c).length > 0)!;
    await page.getByLabel('Filter resources').fill('');
    await page.locator(`#categories button[data-id="${String(other.id)}"]`).focus();
    await page.keyboard.press('Enter');
    await page.locator('#resources-heading', { hasText: String(other.name) }).waitFor();
    await page.locator('#status', { hasText: `${resourcesOf(other).length} resources.` }).waitFor();
    expect(await shownTitles()).toEqual(titlesOf(resourcesOf(other)));
  });
});
