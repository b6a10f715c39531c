// The console's operations pages in a real browser against the real server: background jobs
// (counts, a dead job retried once its provider recovers), the AI triage figures and
// thresholds, and the ticket taxonomy.
//
// AI triage uses the OpenAI-compatible provider against a stand-in chat-completions server
// run by this file (no real provider can be reached from here, and the stand-in lets a test
// make the provider fail): that is how a triage job dies honestly, with its attempts used up
// on server errors, and then succeeds when retried.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, chromiumOptions, startServer } from './server.mjs';
import { apiAs, signIn } from './ui.mjs';

const artifacts = join(import.meta.dirname, '..', 'artifacts');
const TIMEOUT = 20_000;

let server;
let browser;
let provider;
let api;
let taxonomy;

/** A chat-completions stand-in: answers 500 while `failing`, else network › vpn, high. */
async function startProvider() {
  const state = { failing: false, calls: 0 };
  const http = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.calls += 1;
      res.setHeader('content-type', 'application/json');
      if (state.failing) {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { message: 'overloaded', type: 'server_error', param: null, code: null } }));
        return;
      }
      const content = {
        category: 'network',
        subcategory: 'vpn',
        priority: 'high',
        categoryConfidence: 0.95,
        subcategoryConfidence: 0.9,
        priorityConfidence: 0.9,
      };
      res.end(
        JSON.stringify({
          id: 'chatcmpl-e2e',
          object: 'chat.completion',
          created: 1_700_000_000,
          model: 'stand-in-1',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: JSON.stringify(content) } }],
          usage: { prompt_tokens: 400, completion_tokens: 30, total_tokens: 430 },
        }),
      );
    });
  });
  await new Promise((ok) => http.listen(0, '127.0.0.1', ok));
  return { state, url: `http://127.0.0.1:${http.address().port}/v1`, close: () => http.close() };
}

/** Polls `check` until it answers something truthy. */
async function eventually(what, check, ms = 40_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

/** The triage job of a ticket, as the admin API lists it. */
async function triageJob(ticketId) {
  const { data } = await api.get('/admin/jobs?kind=ai.triage&limit=100');
  return data.find((j) => JSON.stringify(j.payload).includes(ticketId));
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  provider = await startProvider();
  server = await startServer({
    HELPDESK_AI_PROVIDER: 'openai',
    HELPDESK_AI_OPENAI_BASE_URL: provider.url,
    HELPDESK_AI_OPENAI_API_KEY: 'sk-e2e',
    HELPDESK_AI_OPENAI_MODEL: 'stand-in-1',
    HELPDESK_SEARCH_EMBEDDINGS: 'false',
  });
  browser = await chromium.launch(chromiumOptions);
  api = await apiAs(server);
  taxonomy = {};
  for (const [parent, children] of [
    ['network', ['vpn', 'wifi']],
    ['access', ['password-reset', 'mfa']],
  ]) {
    const p = await api.post('/admin/categories', { name: parent, description: `Tickets about ${parent}` });
    taxonomy[parent] = p.id;
    for (const child of children) taxonomy[child] = (await api.post('/admin/categories', { name: child, parentId: p.id })).id;
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
  provider?.close();
});

/** A fresh browser profile signed in as the admin, on the console page `path`. */
async function adminOn(path, heading) {
  const context = await browser.newContext();
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  await signIn(page, server, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto(`${server.url}${path}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  return page;
}

async function assertAccessible(page, what) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, [], `accessibility problems on ${what}`);
}

test('the jobs page counts jobs per kind and state, and a dead job is retried', async () => {
  provider.state.failing = true;
  const ticket = await api.post('/tickets', { title: 'VPN drops every hour', description: 'Since Monday.' });
  // Three attempts, 2 s and 4 s apart, each refused by the stand-in: then the job is dead.
  const dead = await eventually('the triage job to die', async () => {
    const job = await triageJob(ticket.id);
    return job?.state === 'dead' && job;
  });
  assert.equal(dead.attempts, 3);
  provider.state.failing = false;

  const page = await adminOn('/admin/jobs', 'Background jobs');
  const counts = page.getByRole('table', { name: 'Jobs per kind and state' });
  const triageRow = counts.getByRole('row').filter({ hasText: 'ai.triage' });
  assert.equal(await triageRow.locator('td[data-label="Dead"]').innerText(), '1');
  await page.getByRole('status').filter({ hasText: /1 dead/ }).waitFor();
  // Each count links to its jobs: one kind in one state.
  await triageRow.getByRole('link', { name: '1 dead ai.triage jobs' }).click();
  await page.waitForURL(/\?state=dead&kind=ai\.triage$/);
  await page.locator('.job-kind').filter({ hasText: 'Only ai.triage jobs.' }).waitFor();

  // The dead list is the default view, with the last error and the attempts.
  const row = page.getByRole('row').filter({ hasText: 'overloaded' });
  await row.waitFor();
  await row.getByText('3 of 3').waitFor();
  await assertAccessible(page, 'the jobs page');
  await page.screenshot({ path: join(artifacts, 'console-jobs.png'), fullPage: true });

  await row.getByRole('button', { name: /^Retry ai\.triage job/ }).click();
  await page.getByRole('status').filter({ hasText: /is queued again with fresh attempts/ }).waitFor();
  await page.getByText('No job in this state.').waitFor();
  // The provider answers now, so the retried job succeeds.
  await eventually('the retried job to succeed', async () => (await triageJob(ticket.id))?.state === 'succeeded');
  await page.getByRole('button', { name: 'Refresh' }).click();
  await triageRow.locator('td[data-label="Succeeded"]').filter({ hasText: /^1$/ }).waitFor();
  assert.equal(await triageRow.locator('td[data-label="Dead"]').innerText(), '0');
  await page.getByRole('button', { name: 'Show every kind' }).click();
  await page.waitForURL((url) => !url.search.includes('kind='));
  // Every state can be listed; the choice is kept in the address.
  await page.getByLabel('Show jobs that are').selectOption('succeeded');
  await page.waitForURL(/[?&]state=succeeded/);
  await page.getByRole('row').filter({ hasText: 'ai.triage' }).filter({ hasText: 'Succeeded' }).first().waitFor();
  await page.context().close();
});

test('the AI page shows the model and per-category figures, and saves a threshold', async () => {
  provider.state.failing = false;
  const ticket = await api.post('/tickets', { title: 'Cannot reach the VPN', description: 'It times out.' });
  await eventually('the prediction', async () => (await triageJob(ticket.id))?.state === 'succeeded');
  // The agent's correction: it was an access problem, not a network one.
  await api.post(`/tickets/${ticket.id}/ai/reject`, { field: 'category', value: taxonomy.access });

  const page = await adminOn('/admin/ai', 'AI triage');
  await page.getByText(/stand-in-1/).first().waitFor();
  const figures = page.getByRole('table', { name: 'Category predictions, judged by agents' });
  const network = figures.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'network' }) });
  assert.equal(await network.locator('td[data-label="Override rate"]').innerText(), '100 %');
  assert.equal(await network.locator('td[data-label="Precision"]').innerText(), '0 %');
  const access = figures.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'access' }) });
  assert.equal(await access.locator('td[data-label="Recall"]').innerText(), '0 %');

  const category = page.getByLabel('Category threshold (%)', { exact: true });
  assert.equal(await category.inputValue(), '85');
  await category.fill('170');
  await page.getByRole('button', { name: 'Save thresholds' }).click();
  await page.getByText('must be a whole number from 0 to 100').waitFor();
  await category.fill('70');
  await page.getByRole('button', { name: 'Save thresholds' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved: category 70 %, subcategory 85 %, priority 85 %.' }).waitFor();
  await assertAccessible(page, 'the AI page');
  await page.screenshot({ path: join(artifacts, 'console-ai.png'), fullPage: true });
  const { thresholds } = await api.get('/ai/metrics');
  assert.deepEqual(thresholds, { category: 0.7, subcategory: 0.85, priority: 0.85 });
  await page.reload();
  assert.equal(await page.getByLabel('Category threshold (%)', { exact: true }).inputValue(), '70');
  // A finer threshold set through the API survives saving another field from the page.
  await api.put('/ai/thresholds', { category: 0.7, subcategory: 0.855, priority: 0.85 });
  await page.reload();
  assert.equal(await page.getByLabel('Subcategory threshold (%)', { exact: true }).inputValue(), '86');
  await page.getByLabel('Priority threshold (%)', { exact: true }).fill('90');
  await page.getByRole('button', { name: 'Save thresholds' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved: category 70 %, subcategory 86 %, priority 90 %.' }).waitFor();
  assert.deepEqual((await api.get('/ai/metrics')).thresholds, { category: 0.7, subcategory: 0.855, priority: 0.9 });
  await page.context().close();
});

test('a category and a subcategory are created, described, routed to a team and retired', async () => {
  const stamp = Date.now();
  const desk = await api.post('/admin/teams', { name: `Print desk ${stamp}` });
  const field = await api.post('/admin/teams', { name: `Field service ${stamp}` });
  const page = await adminOn('/admin/categories', 'Categories');
  await page.getByText('Descriptions matter').waitFor();
  await page.getByRole('cell', { name: 'vpn (subcategory of network)' }).waitFor();

  await page.getByRole('button', { name: 'New category' }).click();
  await page.getByRole('button', { name: 'Create category' }).click();
  await page.getByText('must not be empty').waitFor();
  await page.getByLabel('Name').fill('printers');
  await page.getByLabel('Description').fill('Printers, toner, paper jams and scanning to e-mail.');
  await page.getByLabel('Tickets go to').selectOption({ label: desk.name });
  await page.getByRole('button', { name: 'Create category' }).click();
  await page.getByRole('status').filter({ hasText: 'Created printers.' }).waitFor();
  const printers = page.getByRole('row').filter({ hasText: 'paper jams' });
  await printers.getByText('Active').waitFor();
  await printers.getByRole('cell', { name: desk.name }).waitFor();
  const routed = async () => (await api.get('/categories?all=true')).find((c) => c.name === 'printers')?.teamId ?? null;
  assert.equal(await routed(), desk.id);

  await page.getByRole('button', { name: 'New category' }).click();
  await page.getByLabel('Under').selectOption({ label: 'network' });
  await page.getByLabel('Name').fill('proxy');
  await page.getByRole('button', { name: 'Create category' }).click();
  await page.getByRole('cell', { name: 'proxy (subcategory of network)' }).waitFor();

  await printers.getByRole('button', { name: 'Edit printers' }).click();
  await page.getByRole('heading', { level: 2, name: 'Edit printers' }).waitFor();
  // The form starts from the current routing; another team is chosen.
  const routing = page.getByLabel('Tickets go to');
  assert.equal(await routing.inputValue(), desk.id);
  await routing.selectOption({ label: field.name });
  await page.getByLabel('Description').fill('Printers, toner, paper jams, scanners.');
  await page.getByRole('button', { name: 'Save category' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved printers.' }).waitFor();
  const edited = page.getByRole('row').filter({ hasText: 'scanners' });
  await edited.getByRole('cell', { name: field.name }).waitFor();
  assert.equal(await routed(), field.id);
  // "No team" clears the routing.
  await edited.getByRole('button', { name: 'Edit printers' }).click();
  await page.getByLabel('Tickets go to').selectOption('');
  await page.getByRole('button', { name: 'Save category' }).click();
  await edited.getByRole('cell', { name: 'No team' }).waitFor();
  assert.equal(await routed(), null);
  await assertAccessible(page, 'the categories page');

  await edited.getByRole('button', { name: 'Retire printers' }).click();
  await page.getByRole('button', { name: 'Yes, retire' }).click();
  await page.getByRole('status').filter({ hasText: 'printers is retired.' }).waitFor();
  await edited.getByText('Retired').waitFor();
  await page.screenshot({ path: join(artifacts, 'console-categories.png'), fullPage: true });
  // Retired categories are no longer offered for new tickets.
  const offered = await api.get('/categories');
  assert.ok(!offered.some((c) => c.name === 'printers'));
  assert.ok(offered.some((c) => c.name === 'proxy'));
  await page.context().close();
});
