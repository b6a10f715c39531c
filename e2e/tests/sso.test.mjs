// Single sign-on against a real OpenID Connect issuer: the sign-in page offers it only when
// the server is configured for it, and a first sign-in creates an employee account.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { chromiumOptions, startServer } from './server.mjs';
import { CLIENT_ID, CLIENT_SECRET, freePort, startIssuer } from './oidc-issuer.mjs';
import { apiAs } from './ui.mjs';

let server;
let plain;
let issuer;
let browser;

before(async () => {
  const port = await freePort();
  server = await startServer({
    HELPDESK_OIDC_ISSUER: `http://localhost:${port}`,
    HELPDESK_OIDC_CLIENT_ID: CLIENT_ID,
    HELPDESK_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    HELPDESK_OIDC_DISPLAY_NAME: 'Example Workspace',
  });
  issuer = await startIssuer(port, `${server.url}/api/v1/auth/sso/callback`);
  plain = await startServer();
  browser = await chromium.launch(chromiumOptions);
});

after(async () => {
  await browser?.close();
  await issuer?.stop();
  await server?.stop();
  await plain?.stop();
});

test('without SSO settings the sign-in page shows no SSO button', async () => {
  const page = await browser.newPage();
  await page.goto(`${plain.url}/login`);
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await page.waitForLoadState('networkidle');
  assert.equal(await page.getByRole('link', { name: /Sign in with/ }).count(), 0);
  await page.close();
});

test('SSO signs a new person in as an employee and returns them to where they were going', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/tickets/new`);
  // Not signed in: sent to sign-in, with the place kept.
  await page.waitForURL(/\/login\?next=/);
  await page.getByRole('link', { name: 'Sign in with Example Workspace' }).click();

  // The issuer's own (development) sign-in and consent pages.
  await page.waitForURL(/localhost/);
  await page.locator('input[name="login"]').fill('sam.sso@example.org');
  await page.locator('input[name="password"]').fill('anything');
  await page.locator('button[type="submit"]').click();
  await page.locator('button[type="submit"]').click(); // consent

  await page.waitForURL(`${server.url}/tickets/new`, { timeout: 30_000 });
  await page.getByLabel('Title').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('.user-name').innerText(), /SSO sam\.sso/);

  const admin = await apiAs(server);
  const users = await admin.get('/admin/users?q=sam.sso');
  assert.equal(users.data.length, 1);
  assert.equal(users.data[0].role, 'employee');
  const audit = await admin.get('/admin/audit-logs?action=auth:login_sso');
  assert.equal(audit.data.length, 1);
  await context.close();
});

test('a forged or expired callback is refused and explained on the sign-in page', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/api/v1/auth/sso/callback?code=stolen&state=guess`);
  await page.waitForURL(/\/login\?ssoError=sso_expired/);
  await page.getByText('took too long').waitFor();
  const refresh = await page.request.post(`${server.url}/api/v1/auth/refresh`, { data: {} });
  assert.equal(refresh.status(), 401, 'no session was opened');
  await page.close();
});
