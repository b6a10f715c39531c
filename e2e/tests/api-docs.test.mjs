// The interactive API documentation renders in a real browser with no network but our server:
// Swagger UI is served from the binary (utoipa-swagger-ui's `vendored` feature).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { chromiumOptions, startServer } from './server.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await chromium.launch(chromiumOptions);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('Swagger UI lists the API operations offline', async () => {
  const page = await browser.newPage();
  const foreign = [];
  // Anything not served by our own server would fail offline: record and refuse it.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url)) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  // The bare path redirects to the docs page.
  await page.goto(`${server.url}/api/docs`);
  await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
  const operations = await page.locator('.opblock').count();
  assert.ok(operations >= 4, `expected the documented operations, saw ${operations}`);
  assert.match(await page.locator('.title').first().innerText(), /Helpdesk API/);
  assert.ok(await page.getByText('/api/v1/auth/login').first().isVisible());
  assert.deepEqual(foreign, [], 'the docs page must not need any other host');
});

test('an unknown page gets the app shell, an unknown API path a JSON 404', async () => {
  const page = await browser.newPage();
  const res = await page.goto(`${server.url}/tickets/does-not-exist`);
  assert.equal(res.status(), 200);
  const api = await page.request.get(`${server.url}/api/v1/nothing-here`);
  assert.equal(api.status(), 404);
  assert.equal((await api.json()).code, 'route_not_found');
});
