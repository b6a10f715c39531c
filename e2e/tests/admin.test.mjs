// The administration screens in a real browser against the real server: an admin creates a
// user and promotes them, and the user's own app changes after a reload; a role's permissions
// are saved from the matrix; the audit log lists the role change.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, chromiumOptions, startServer } from './server.mjs';

const artifacts = join(import.meta.dirname, '..', 'artifacts');
const TIMEOUT = 20_000;

let server;
let browser;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await startServer();
  browser = await chromium.launch(chromiumOptions);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh browser profile with one signed-in page. */
async function signIn(email, password) {
  const context = await browser.newContext();
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/tickets/);
  return page;
}

/** Calls the API as the admin, for setting up what a test reads. */
async function adminApi() {
  const request = (await browser.newContext()).request;
  const login = await request.post(`${server.url}/api/v1/auth/login`, {
    data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  assert.equal(login.status(), 200);
  const headers = { Authorization: `Bearer ${(await login.json()).accessToken}` };
  return {
    async post(path, data) {
      const res = await request.post(`${server.url}/api/v1${path}`, { headers, data });
      assert.ok(res.ok(), `${path}: ${res.status()} ${await res.text()}`);
      return res.json();
    },
    async patch(path, data) {
      const res = await request.patch(`${server.url}/api/v1${path}`, { headers, data });
      assert.ok(res.ok(), `${path}: ${res.status()} ${await res.text()}`);
      return res.json();
    },
  };
}

/** Accessibility problems axe finds on the page as it stands. */
async function axeViolations(page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const mainNav = (page) => page.getByRole('navigation', { name: 'Main', exact: true });

test('an admin creates an employee, makes them an agent, and their app follows after a reload', async () => {
  const admin = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  await admin.goto(`${server.url}/admin/users`);
  await admin.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
  await admin.getByRole('button', { name: 'New user' }).click();
  await admin.getByLabel('E-mail').fill('erin@e2e.example');
  await admin.getByLabel('Name', { exact: true }).fill('Erin Employee');
  await admin.getByLabel('Role', { exact: true }).selectOption('employee');
  await admin.getByLabel('Password (optional)').fill('erin-password-1');
  await admin.getByRole('button', { name: 'Create user' }).click();
  await admin.getByText('Created Erin Employee (erin@e2e.example) with the role employee.').waitFor();

  const erin = await signIn('erin@e2e.example', 'erin-password-1');
  await mainNav(erin).getByRole('link', { name: 'My open tickets' }).waitFor();
  assert.equal(await mainNav(erin).getByRole('link', { name: 'Unassigned' }).count(), 0);
  assert.equal(await mainNav(erin).getByRole('link', { name: 'Assigned to me' }).count(), 0);
  // An address typed by hand still gets a clear refusal, not a broken page.
  await erin.goto(`${server.url}/admin/users`);
  await erin.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor();

  // Search keeps the filter in the address, so the list can be shared.
  await admin.getByLabel('Search users').fill('erin');
  await admin.getByRole('button', { name: 'Search', exact: true }).click();
  await admin.waitForURL(/[?&]q=erin/);
  await admin.getByLabel('Role for Erin Employee').selectOption('agent');
  await admin.getByRole('button', { name: 'Save role for Erin Employee' }).click();
  await admin.getByRole('status').filter({ hasText: "Erin Employee's role is now agent" }).waitFor();
  await admin.screenshot({ path: join(artifacts, 'admin-users.png'), fullPage: true });

  await erin.goto(`${server.url}/tickets`);
  await erin.reload();
  await mainNav(erin).getByRole('link', { name: 'Unassigned' }).waitFor();
  await mainNav(erin).getByRole('link', { name: 'Assigned to me' }).waitFor();
  await erin.context().close();
  await admin.context().close();
});

test('a generated password is shown once when none is given', async () => {
  const admin = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  await admin.goto(`${server.url}/admin/users`);
  await admin.getByRole('button', { name: 'New user' }).click();
  await admin.getByLabel('E-mail').fill('not-an-address');
  await admin.getByLabel('Name', { exact: true }).fill('Gus Generated');
  await admin.getByRole('button', { name: 'Create user' }).click();
  await admin.getByText('must be an e-mail address').waitFor();
  await admin.getByLabel('E-mail').fill('gus@e2e.example');
  await admin.getByRole('button', { name: 'Create user' }).click();
  const shown = await admin.getByLabel('Generated password').inputValue();
  assert.ok(shown.length >= 8, `expected a generated password, saw "${shown}"`);
  await admin.context().close();
});

test('the roles page saves a permission change and says what changed', async () => {
  const admin = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  await admin.goto(`${server.url}/admin/roles`);
  const box = admin.getByRole('checkbox', { name: 'audit:view for agent' });
  await box.waitFor();
  assert.equal(await box.isChecked(), false);
  await box.check();
  await admin.getByText('agent: adds audit:view').waitFor();
  await admin.getByRole('button', { name: 'Save agent' }).click();
  await admin.getByRole('status').filter({ hasText: 'Saved agent: adds audit:view.' }).waitFor();
  await admin.screenshot({ path: join(artifacts, 'admin-roles.png'), fullPage: true });
  await admin.reload();
  await admin.getByRole('checkbox', { name: 'audit:view for agent' }).waitFor();
  assert.equal(await admin.getByRole('checkbox', { name: 'audit:view for agent' }).isChecked(), true);
  // The admin role always has everything; its boxes cannot be unticked.
  assert.equal(await admin.getByRole('checkbox', { name: 'audit:view for admin' }).isDisabled(), true);
  await admin.context().close();
});

test('the audit log lists a role change, filtered through the address', async () => {
  const api = await adminApi();
  const { user } = await api.post('/admin/users', {
    email: 'alex@e2e.example',
    name: 'Alex Audited',
    role: 'employee',
    password: 'alex-password-1',
  });
  await api.patch(`/admin/users/${user.id}/role`, { role: 'team_lead' });

  const admin = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  await admin.goto(`${server.url}/admin/audit`);
  await admin.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
  await admin.getByLabel('Action').fill('user:role_change');
  await admin.getByRole('button', { name: 'Apply filters' }).click();
  await admin.waitForURL(/action=user%3Arole_change/);
  const row = admin.getByRole('row').filter({ hasText: 'user:role_change' }).filter({ hasText: ADMIN_EMAIL });
  await row.first().waitFor();
  // Every row on the filtered page is a role change.
  const actions = await admin.locator('tbody tr td:nth-child(3)').allInnerTexts();
  assert.ok(actions.length > 0 && actions.every((a) => a === 'user:role_change'), actions.join(', '));
  const mine = admin.getByRole('row').filter({ hasText: `…${user.id.slice(-8)}` });
  await mine.getByText('Show').click();
  const details = await mine.locator('pre').innerText();
  assert.match(details, /"to": "team_lead"/);
  assert.match(details, /"from":[^}]*employee/);
  await admin.screenshot({ path: join(artifacts, 'admin-audit.png'), fullPage: true });
  await admin.context().close();
});

test('a team is created, renamed, staffed and deleted', async () => {
  const api = await adminApi();
  await api.post('/admin/users', { email: 'tina@e2e.example', name: 'Tina Agent', role: 'agent', password: 'tina-password-1' });

  const admin = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  await admin.goto(`${server.url}/admin/teams`);
  await admin.getByRole('button', { name: 'New team' }).click();
  await admin.getByRole('button', { name: 'Create team' }).click();
  await admin.getByText('must not be empty').waitFor();
  await admin.getByLabel('Team name').fill('Network');
  await admin.getByRole('button', { name: 'Create team' }).click();
  // The new team opens, and its address can be shared.
  await admin.getByRole('heading', { level: 2, name: 'Network' }).waitFor();
  await admin.waitForURL(/[?&]team=/);

  await admin.getByLabel('Find a user').fill('tina');
  await admin.getByRole('button', { name: 'Find', exact: true }).click();
  await admin.getByLabel('User to add').locator('option', { hasText: 'Tina Agent' }).waitFor({ state: 'attached' });
  await admin.getByLabel('User to add').selectOption({ label: 'Tina Agent (tina@e2e.example)' });
  await admin.getByLabel('Team role').selectOption('lead');
  await admin.getByRole('button', { name: 'Add member' }).click();
  await admin.getByRole('status').filter({ hasText: 'Added Tina Agent as lead.' }).waitFor();
  await admin.getByRole('cell', { name: 'Tina Agent', exact: true }).waitFor();
  assert.deepEqual(await axeViolations(admin), []);

  await admin.getByLabel('Team name').fill('Networking');
  await admin.getByRole('button', { name: 'Save team' }).click();
  await admin.getByRole('heading', { level: 2, name: 'Networking' }).waitFor();

  await admin.getByRole('button', { name: 'Remove Tina Agent' }).click();
  await admin.getByRole('button', { name: 'Yes, remove' }).click();
  await admin.getByText('No members yet').waitFor();

  await admin.getByRole('button', { name: 'Delete team' }).click();
  // Escape backs out of the question; nothing is deleted.
  await admin.keyboard.press('Escape');
  await admin.getByRole('button', { name: 'Delete team' }).click();
  await admin.getByRole('button', { name: 'Yes, delete' }).click();
  await admin.getByText('No teams yet').waitFor();
  await admin.context().close();
});
