// The ticket screens in a real browser against the real server: an employee raises a ticket and
// sees only their own; an agent works a ticket and the employee sees the reply but not the note.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { ADMIN_EMAIL, ADMIN_PASSWORD, chromiumOptions, startServer } from './server.mjs';

const artifacts = resolve(import.meta.dirname, '..', 'artifacts');
const PASSWORD = 'e2e-user-password';
const TIMEOUT = 30_000;

let server;
let browser;
let adminToken;

before(async () => {
  server = await startServer();
  browser = await chromium.launch(chromiumOptions);
  mkdirSync(artifacts, { recursive: true });
  adminToken = (await api('POST', '/api/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).accessToken;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A JSON call to the server; throws with the body when the status is not 2xx. */
async function api(method, path, body, token) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

let serial = 0;

/** Creates an account with `role` and signs it in through the API. */
async function createUser(role, name) {
  serial += 1;
  const email = `${role}-${serial}-${Date.now()}@e2e.example`;
  const { user } = await api('POST', '/api/v1/admin/users', { email, name, password: PASSWORD, role }, adminToken);
  const { accessToken } = await api('POST', '/api/v1/auth/login', { email, password: PASSWORD });
  return { ...user, email, token: accessToken };
}

/** A new browser context signed in as `user` through the sign-in form. */
async function signIn(user) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(`${server.url}/login`);
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/tickets$/);
  return page;
}

const main = (page) => page.locator('main');

/** Fails with the rule ids and elements when axe finds accessibility problems on the page. */
async function assertAccessible(page, what) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, [], `accessibility problems on ${what}`);
}

test('an employee raises a ticket, finds it under "My open tickets", and sees no one else\'s', async () => {
  const employee = await createUser('employee', 'Erin Employee');
  const other = await createUser('employee', 'Oscar Other');
  const theirs = await api(
    'POST',
    '/api/v1/tickets',
    { title: 'Oscar cannot print', description: 'The printer on floor 2 jams.' },
    other.token,
  );

  const page = await signIn(employee);
  await main(page).getByRole('link', { name: 'New ticket' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'New ticket' }).waitFor();

  // The shared validation speaks first, beside the field it is about.
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await page.getByText('must be at least 3 characters').waitFor();
  await assertAccessible(page, 'the new-ticket form with errors');

  await page.getByLabel('Title').fill('VPN drops every hour');
  await page.getByLabel('Description').fill('Since Monday the VPN disconnects.\nReconnecting works for an hour.');
  await page.getByLabel('Priority').selectOption('high');
  await page.getByLabel('Tags').fill('vpn, remote');
  await page.getByRole('button', { name: 'Create ticket' }).click();
  await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { level: 1, name: 'VPN drops every hour' }).waitFor();
  assert.match(await page.locator('.plain-text').first().innerText(), /Since Monday[^]*\nReconnecting/);

  // A deep link survives a reload (the session renews from its cookie).
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'VPN drops every hour' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'ticket-detail-employee.png'), fullPage: true });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My open tickets' }).click();
  await page.getByRole('heading', { level: 1, name: 'My open tickets' }).waitFor();
  await page.getByRole('row').getByRole('link', { name: 'VPN drops every hour' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Oscar cannot print' }).count(), 0);

  // Someone else's ticket answers as if it did not exist.
  await page.goto(`${server.url}/tickets/${theirs.id}`);
  await page.getByRole('heading', { level: 1, name: 'Ticket not found' }).waitFor();
  await page.context().close();
});

test('an agent filters, adds a note and a reply, changes the status; the employee sees only the reply', async () => {
  const employee = await createUser('employee', 'Erin Employee');
  const agent = await createUser('agent', 'Alex Agent');
  const team = await api('POST', '/api/v1/admin/teams', { name: `Service desk ${serial}` }, adminToken);
  await api('POST', `/api/v1/admin/teams/${team.id}/members`, { userId: agent.id }, adminToken);
  const ticket = await api(
    'POST',
    '/api/v1/tickets',
    { title: 'Laptop screen flickers', description: 'Flickers when on battery.' },
    employee.token,
  );
  const mouse = await api(
    'POST',
    '/api/v1/tickets',
    { title: 'Mouse is slow', description: 'Wireless mouse lags.', priority: 'low' },
    employee.token,
  );
  // New tickets have no team; the admin routes both to the agent's team.
  await api('PATCH', `/api/v1/tickets/${ticket.id}`, { teamId: team.id, priority: 'high' }, adminToken);
  await api('PATCH', `/api/v1/tickets/${mouse.id}`, { teamId: team.id }, adminToken);

  const page = await signIn(agent);
  await page.getByRole('row').getByRole('link', { name: 'Mouse is slow' }).waitFor();
  await page.getByLabel('Priority').selectOption('high');
  await page.waitForURL(/priority=high/);
  await page.getByRole('row').getByRole('link', { name: 'Laptop screen flickers' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Mouse is slow' }).count(), 0, 'the priority filter applies');
  await page.getByLabel('Search', { exact: true }).fill('flickers');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=flickers/);
  assert.match(page.url(), /priority=high/, 'the search keeps the other filters');
  await page.screenshot({ path: join(artifacts, 'ticket-list-agent.png'), fullPage: true });
  await assertAccessible(page, 'the filtered list');
  await page.getByRole('link', { name: 'Laptop screen flickers' }).click();
  await page.getByRole('heading', { level: 1, name: 'Laptop screen flickers' }).waitFor();

  await page.getByLabel('Message').fill('Driver 4.2 is known to flicker; checking the rollout.');
  await page.getByLabel('Internal note').check();
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByText('Internal note added').waitFor();

  await page.getByLabel('Internal note').uncheck();
  await page.getByLabel('Message').fill('Please update the display driver and tell us if it helps.');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByText('Reply added').waitFor();

  await page.getByLabel('Status').selectOption({ label: 'In progress' });
  await page.getByText('Status changed to In progress').waitFor();
  await page.getByRole('button', { name: 'Assign to me' }).click();
  await page.getByText('Assigned to Alex Agent').waitFor();
  await page.locator('.ticket-head .badge', { hasText: 'In progress' }).waitFor();
  await page.getByRole('heading', { name: 'History' }).waitFor();
  await page.getByText('changed status from New to In progress').waitFor();
  await page.screenshot({ path: join(artifacts, 'ticket-detail-agent.png'), fullPage: true });
  await assertAccessible(page, 'the ticket with a note and a reply');
  await page.context().close();

  const mine = await signIn(employee);
  await mine.goto(`${server.url}/tickets/${ticket.id}`);
  await mine.getByText('Please update the display driver').waitFor();
  assert.equal(await mine.getByText('Driver 4.2 is known to flicker').count(), 0, 'internal notes stay internal');
  assert.equal(await mine.getByLabel('Internal note').count(), 0, 'employees cannot write notes');
  assert.equal(await mine.getByLabel('Status').count(), 0, 'employees cannot change the status');
  await mine.locator('.ticket-head .badge', { hasText: 'In progress' }).waitFor();
  await mine.context().close();
});
