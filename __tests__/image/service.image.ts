/**
 * The image serving: the dev task's container on the host network (the private engine has no
 * bridge) with its port moved to a free one, against dynalite seeded from data/. `/ready` reaches
 * DynamoDB, the API answers from the tables, and the page renders in Chromium.
 */
import type { Browser } from 'playwright-core';
import { createSeededTables, seedItems } from '../../scripts/lib/seeded-tables';
import { dockerCreateBody, localDynamoEnvironment } from '../../scripts/lib/task-container';
import { freePort } from '../../scripts/lib/free-port';
import { startContainer, type LocalContainer } from '../../scripts/local-task';
import { startDynalite, type TestDynalite } from '../support/dynalite';
import { CONTAINER_PREFIX, imageSuite, ms1, reportImage, waitForStatus } from '../support/image-suite';
import { launchChromium } from '../support/service-browser';

const { docker, image, task } = imageSuite();

let dynamo: TestDynalite;
let container: LocalContainer;
let browser: Browser;
let url: string;
let categories: Record<string, unknown>[];

beforeAll(async () => {
  // Given the image run as the dev task says, on a free port, with its tables on dynalite
  [dynamo, browser] = await Promise.all([startDynalite(), launchChromium()]);
  const tables = await createSeededTables(dynamo.endpoint, 'image');
  categories = seedItems(tables, 'Category');
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const body = dockerCreateBody(task, {
    image: image.reference,
    network: 'host',
    environment: { ...localDynamoEnvironment(dynamo.endpoint, tables.names), PORT: String(port) },
    // The task's check probes the task's port, which this container does not use.
    withoutHealthCheck: true,
  });
  const began = performance.now();
  container = await startContainer(docker, `${CONTAINER_PREFIX}service`, body);
  await waitForStatus(`${url}/health`, 200, 30_000);
  reportImage('service', { firstHealthAfterStartMs: ms1(performance.now() - began) });
});

afterAll(async () => {
  await browser?.close();
  await container?.remove();
  await dynamo?.stop();
});

describe('the image serving from DynamoDB', () => {
  test('/ready is 200: the service reaches its tables', async () => {
    const response = await fetch(`${url}/ready`);
    expect([response.status, await response.json()]).toEqual([200, { status: 'ready' }]);
  });

  test('the API lists every category of the CSV', async () => {
    const { items } = (await (await fetch(`${url}/api/categories`)).json()) as { items: { id: string }[] };
    expect(items.map((c) => c.id).sort()).toEqual(categories.map((c) => String(c.id)).sort());
  });

  test('the page renders every category in Chromium, in sortOrder', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(url);
      await page.locator('#categories button').first().waitFor();
      const names = await page.locator('#categories button').evaluateAll((buttons) => buttons.map((b) => b.firstChild?.textContent));
      expect(names).toEqual([...categories].sort((a, b) => Number(a.sortOrder) - Number(b.sortOrder)).map((c) => c.name));
    } finally {
      await page.close();
    }
  });
});
