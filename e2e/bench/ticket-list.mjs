// Benchmark (not a test): time from navigation to a rendered ticket list in headless Chromium,
// against a running server. Cold: a new browser profile each time (no service worker, no HTTP
// cache, so the WASM is downloaded and compiled). Warm: reloads in one profile.
//   node bench/ticket-list.mjs <server url> <email> <password> [runs]
import { chromium } from 'playwright-core';
import { chromiumOptions } from '../tests/server.mjs';

const [url, email, password, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const browser = await chromium.launch(chromiumOptions);

async function signedInContext() {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/tickets/);
  return { context, page };
}

async function timeToList(page) {
  await page.goto(`${url}/tickets?sort=-createdAt`);
  await page.locator('table tbody tr a, .ticket-card a').first().waitFor({ timeout: 60_000 });
  return page.evaluate(() => performance.now());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];

const cold = [];
for (let i = 0; i < runs; i += 1) {
  // Sign in first (that sets the refresh cookie), then measure a fresh page load in the same
  // profile with the browser's HTTP cache cleared: the session renewal, /auth/me, the WASM
  // download and compile and the list request are all inside the measurement.
  const { context, page } = await signedInContext();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.clearBrowserCache');
  cold.push(await timeToList(page));
  await context.close();
}
const { context, page } = await signedInContext();
const warm = [];
for (let i = 0; i < runs; i += 1) warm.push(await timeToList(page));
await context.close();
await browser.close();

const r = (x) => Math.round(x);
console.log(JSON.stringify({
  coldMs: { p50: r(median(cold)), p95: r(p95(cold)), runs: cold.map(r) },
  warmMs: { p50: r(median(warm)), p95: r(p95(warm)), runs: warm.map(r) },
}));
