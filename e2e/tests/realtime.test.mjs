// Live updates in two browsers at once: an agent and an employee see each other's changes
// without reloading, see who else has the ticket open, and the agent gets a toast when a ticket
// is assigned to them. Everything runs against the real server and its WebSocket endpoint.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { chromiumOptions, startServer } from './server.mjs';
import { apiAs, createUser, PASSWORD, signIn } from './ui.mjs';

const TIMEOUT = 15_000;

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

/** A page of its own browser context (no shared cookies), signed in, with live updates on. */
async function liveAs(user) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await signIn(page, server, user.email);
  await page.locator('.live-dot[data-state="live"]').waitFor();
  return page;
}

test('an agent and an employee see each other live, with presence and an assignment toast', async () => {
  const admin = await apiAs(server);
  const agent = await createUser(admin, 'agent', 'Sara Agent');
  const employee = await createUser(admin, 'employee', 'Omar Employee');
  const team = await admin.post('/admin/teams', { name: `Printers desk ${Date.now()}` });
  await admin.post(`/admin/teams/${team.id}/members`, { userId: agent.id });
  const category = await admin.post('/admin/categories', { name: `Printing ${Date.now()}`, teamId: team.id });

  const desk = await liveAs(agent);
  const mine = await liveAs(employee);

  // The employee raises a ticket; it appears in the agent's open list without a reload.
  const asEmployee = await apiAs(server, employee.email, PASSWORD);
  const ticket = await asEmployee.post('/tickets', {
    title: 'Floor 3 printer jams on every job',
    description: 'Paper jam light blinks after each page.',
    categoryId: category.id,
  });
  await desk.getByRole('link', { name: 'Floor 3 printer jams on every job' }).waitFor();

  // Both open it: each sees the other there.
  await desk.getByRole('link', { name: 'Floor 3 printer jams on every job' }).click();
  await desk.getByRole('heading', { level: 1, name: 'Floor 3 printer jams on every job' }).waitFor();
  await mine.goto(`${server.url}/tickets/${ticket.id}`);
  await mine.getByRole('heading', { level: 1, name: 'Floor 3 printer jams on every job' }).waitFor();
  await mine.locator('.presence', { hasText: 'Sara Agent is viewing' }).waitFor();
  await desk.locator('.presence', { hasText: 'Omar Employee is viewing' }).waitFor();

  // Typing shows as replying; the sent reply reaches the employee without a reload.
  await desk.getByLabel('Message').fill('Which tray are you printing from?');
  await mine.locator('.presence', { hasText: 'Sara Agent is replying' }).waitFor();
  await desk.getByRole('button', { name: 'Send' }).click();
  await mine.getByText('Which tray are you printing from?').waitFor();
  await mine.locator('.presence', { hasText: 'Sara Agent is viewing' }).waitFor();

  // A status change by the agent updates the employee's badge.
  await desk.getByLabel('Status').selectOption({ label: 'In progress' });
  await mine.locator('.ticket-head .badge', { hasText: 'In progress' }).waitFor();

  // The employee answers through the page; the agent sees it arrive.
  await mine.getByLabel('Message').fill('Tray 2, the one with letter paper.');
  await mine.getByRole('button', { name: 'Send' }).click();
  await desk.getByText('Tray 2, the one with letter paper.').waitFor();

  // An assignment made elsewhere tells the agent, with a link to the ticket.
  await admin.post(`/tickets/${ticket.id}/assign`, { assigneeId: agent.id });
  const toast = desk.locator('.toast', { hasText: 'was assigned to you' });
  await toast.waitFor();
  assert.equal(await toast.getByRole('link').getAttribute('href'), `/tickets/${ticket.id}`);
  await desk.locator('.details dd', { hasText: 'Sara Agent' }).waitFor();

  // The agent leaves; the employee no longer sees them on the ticket.
  await desk.context().close();
  await mine.locator('.presence', { hasText: 'Sara Agent' }).waitFor({ state: 'detached' });
  await mine.context().close();
});

test('the live link comes back after a drop, and what changed meanwhile is fetched', async () => {
  const admin = await apiAs(server);
  const employee = await createUser(admin, 'employee', 'Nadia Employee');
  const context = await browser.newContext();
  // Lets the test drop the page's sockets and hold back new ones, as a flaky network would.
  await context.addInitScript(() => {
    const Real = window.WebSocket;
    window.__sockets = [];
    window.__blocked = false;
    window.WebSocket = function (url, protocols) {
      const socket = new Real(window.__blocked ? 'ws://127.0.0.1:9/' : url, protocols);
      window.__sockets.push(socket);
      return socket;
    };
    window.WebSocket.prototype = Real.prototype;
  });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await signIn(page, server, employee.email);
  await page.locator('.live-dot[data-state="live"]').waitFor();
  await page.getByText('There are no tickets here yet.').waitFor();

  await page.evaluate(() => {
    window.__blocked = true;
    for (const s of window.__sockets) s.close();
  });
  await page.locator('.live-dot[data-state="connecting"]').waitFor();
  const asEmployee = await apiAs(server, employee.email, PASSWORD);
  await asEmployee.post('/tickets', { title: 'Made while the link was down', description: 'd' });
  // No socket hears of it; only the refetch after reconnecting can bring it.
  await page.waitForTimeout(500);
  assert.equal(await page.getByRole('link', { name: 'Made while the link was down' }).count(), 0);
  await page.evaluate(() => {
    window.__blocked = false;
  });
  await page.locator('.live-dot[data-state="live"]').waitFor({ timeout: 45_000 });
  await page.getByRole('link', { name: 'Made while the link was down' }).waitFor();
  await context.close();
});
