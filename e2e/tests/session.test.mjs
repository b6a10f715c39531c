// The session as a user lives it: an expired access token is renewed silently from the
// refresh cookie, a session that cannot be renewed returns the user to sign-in with their place
// kept, and an unknown address shows the not-found page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { chromiumOptions, startServer } from './server.mjs';
import { apiAs, createUser, signIn } from './ui.mjs';

let server;
let browser;
// Tokens live a second here, so each admin step signs in afresh.
const admin = () => apiAs(server);

before(async () => {
  // Access tokens that expire within the test (1 s, plus the 5 s leeway the server allows).
  server = await startServer({ HELPDESK_ACCESS_TOKEN_TTL_SECS: '1' });
  browser = await chromium.launch(chromiumOptions);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
// Whole seconds on both ends: a 1 s token with 5 s leeway is refused at most 7 s after it was issued.
const TOKEN_EXPIRES_MS = 8000;

test('an expired access token is renewed without the user noticing; a revoked session sends them to sign-in and back', async () => {
  const user = await createUser(await admin(), 'employee', 'Rita Renew');
  const asUser = await apiAs(server, user.email, user.password);
  const ticket = await asUser.post('/tickets', { title: 'Monitor flickers', description: 'Every few seconds.' });

  const context = await browser.newContext();
  const page = await context.newPage();
  const renewal = () => page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh'));
  await signIn(page, server, user.email);
  await sleep(TOKEN_EXPIRES_MS);
  // In-app navigation: the list request meets an expired token, renews, and retries.
  let renewed = renewal();
  await page.getByRole('navigation', { name: 'Main', exact: true }).getByRole('link', { name: 'My open tickets' }).click();
  await page.waitForURL(/createdBy=me/);
  assert.equal((await renewed).status(), 200, 'renewed silently');
  await page.getByRole('heading', { name: 'My open tickets' }).waitFor();
  await page.getByRole('link', { name: 'Monitor flickers' }).waitFor();

  // The admin ends every session of this user; the next request cannot be renewed.
  const boss = await admin();
  await boss.post(`/admin/users/${user.id}/deactivate`);
  await boss.post(`/admin/users/${user.id}/activate`);
  await sleep(TOKEN_EXPIRES_MS);
  renewed = renewal();
  await page.getByRole('link', { name: 'Monitor flickers' }).click();
  assert.equal((await renewed).status(), 401, 'the revoked session cannot be renewed');
  await page.waitForURL(/\/login\?next=/);
  assert.equal(new URL(page.url()).searchParams.get('next'), `/tickets/${ticket.id}`);

  // Signing in again lands on the ticket they were opening.
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /Monitor flickers/ }).waitFor();
  assert.match(page.url(), new RegExp(`/tickets/${ticket.id}$`));
  await context.close();
});

test('an unknown address shows the not-found page, and a deep link survives a reload', async () => {
  const user = await createUser(await admin(), 'employee', 'Nora Nowhere');
  const asUser = await apiAs(server, user.email, user.password);
  const ticket = await asUser.post('/tickets', { title: 'Dock not charging', description: 'USB-C dock.' });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/no/such/page`);
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  await signIn(page, server, user.email);
  await page.goto(`${server.url}/tickets/${ticket.id}`);
  await page.getByRole('heading', { name: /Dock not charging/ }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: /Dock not charging/ }).waitFor();
  await context.close();
});
