// The knowledge base in a real browser against the real server (lexical search, no embedding
// model): an agent writes an article with a preview and submits it, a manager publishes it, an
// employee finds, reads and rates it, a would-be ticket is deflected by a suggestion, an agent
// sees suggestions on a ticket, and the history shows a diff and restores a version.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { chromiumOptions, startServer } from './server.mjs';
import { apiAs, createUser, signIn } from './ui.mjs';

const artifacts = resolve(import.meta.dirname, '..', 'artifacts');
const TIMEOUT = 30_000;
const TITLE = 'VPN disconnects every hour';
const ORIGINAL_STEP = 'Open the VPN client and choose **Reconnect automatically**.';
const EDITED_STEP = 'Open the VPN client, choose Settings, then turn on **Reconnect automatically**.';
// A script and an event handler in the Markdown: neither may run nor reach the page.
const BODY = [
  'When the VPN drops every hour, the session timer on the gateway ends it.',
  '',
  ORIGINAL_STEP,
  '',
  '<script>window.__kbXss = "script"</script>',
  '<img src="x" alt="gateway settings" onerror="window.__kbXss = \'onerror\'">',
].join('\n');

let server;
let browser;
let people;
let articleId;

before(async () => {
  server = await startServer({ HELPDESK_SEARCH_EMBEDDINGS: 'false' });
  browser = await chromium.launch(chromiumOptions);
  mkdirSync(artifacts, { recursive: true });
  const admin = await apiAs(server);
  people = {
    agent: await createUser(admin, 'agent', 'Kim Writer'),
    manager: await createUser(admin, 'manager', 'Max Publisher'),
    employee: await createUser(admin, 'employee', 'Eve Reader'),
  };
  const manager = await apiAs(server, people.manager.email, people.manager.password);
  const network = await manager.post('/kb/categories', { name: 'Network', slug: 'network' });
  await manager.post('/kb/categories', { name: 'VPN', slug: 'vpn', parentId: network.id });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh browser context signed in as `who`. */
async function pageAs(who) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await signIn(page, server, who.email, who.password);
  return page;
}

const sidebar = (page) => page.getByRole('navigation', { name: 'Main', exact: true });

async function seriousViolations(page, what) {
  const results = await new AxeBuilder({ page }).analyze();
  const found = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, [], `accessibility problems on ${what}`);
}

/** Waits until the search index (fed after commit) finds the article for `q`. */
async function waitUntilSearchable(who, q) {
  const client = await apiAs(server, who.email, who.password);
  for (let i = 0; i < 100; i += 1) {
    const found = await client.get(`/kb/search?q=${encodeURIComponent(q)}`);
    if (found.data.some((hit) => hit.article.id === articleId)) return;
    await new Promise((ok) => setTimeout(ok, 200));
  }
  assert.fail(`the search index never found the article for "${q}"`);
}

test('an agent writes an article, previews it (the script never runs) and submits it for review', async () => {
  const page = await pageAs(people.agent);
  await sidebar(page).getByRole('link', { name: 'Knowledge base' }).click();
  await page.getByRole('heading', { level: 1, name: 'Knowledge base' }).waitFor();
  await page.getByRole('link', { name: 'New article' }).click();
  await page.getByRole('heading', { level: 1, name: 'New article' }).waitFor();

  // Shared validation first: the category is required.
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Choose a category.').waitFor();

  await page.getByLabel('Title').fill(TITLE);
  await page.getByLabel('Summary').fill('Why the VPN drops hourly and how to stay connected.');
  await page.getByLabel('Category', { exact: true }).selectOption({ label: 'Network' });
  await page.getByLabel('Subcategory').selectOption({ label: 'VPN' });
  await page.getByLabel('Tags').fill('vpn, remote');
  await page.getByLabel('Body (Markdown)').fill(BODY);

  await page.getByRole('tab', { name: 'Preview' }).click();
  const preview = page.locator('#kb-panel-preview');
  await preview.locator('strong', { hasText: 'Reconnect automatically' }).waitFor();
  const html = await preview.innerHTML();
  assert.ok(!/<script|onerror|__kbXss/i.test(html), `the preview kept something unsafe: ${html}`);
  assert.equal(await page.evaluate(() => window.__kbXss), undefined, 'a script from the Markdown ran');
  assert.equal(await page.getByRole('tab', { name: 'Preview' }).getAttribute('aria-selected'), 'true');
  await seriousViolations(page, 'the editor with its preview');

  // Back to writing keeps the text; saving opens the new draft.
  await page.getByRole('tab', { name: 'Write' }).click();
  assert.equal(await page.getByLabel('Body (Markdown)').inputValue(), BODY);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/kb\/[0-9a-f-]{36}$/);
  articleId = page.url().split('/').pop();
  await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  await page.locator('.kb-body strong', { hasText: 'Reconnect automatically' }).waitFor();
  assert.equal(await page.locator('.kb-body script').count(), 0);
  assert.equal(await page.evaluate(() => window.__kbXss), undefined, 'a script from the article ran');
  await page.locator('.kb-badges', { hasText: 'Draft' }).waitFor();
  // An agent may not publish: no such button.
  assert.equal(await page.getByRole('button', { name: 'Publish' }).count(), 0);

  await page.getByRole('button', { name: 'Submit for review' }).click();
  await page.getByRole('status').filter({ hasText: 'Submitted for review' }).waitFor();
  await page.locator('.kb-badges', { hasText: 'In review' }).waitFor();
  const agentApi = await apiAs(server, people.agent.email, people.agent.password);
  assert.equal((await agentApi.get(`/kb/articles/${articleId}`)).status, 'in_review');
  await page.context().close();
});

test('a manager finds the article among those in review and publishes it', async () => {
  assert.ok(articleId, 'the article from the first test');
  const page = await pageAs(people.manager);
  await page.goto(`${server.url}/kb`);
  await page.getByLabel('Status').selectOption('in_review');
  await page.waitForURL(/status=in_review/);
  await page.getByRole('link', { name: TITLE }).click();
  await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByRole('status').filter({ hasText: 'Published' }).waitFor();
  await page.getByRole('button', { name: 'Unpublish' }).waitFor();
  const managerApi = await apiAs(server, people.manager.email, people.manager.password);
  assert.equal((await managerApi.get(`/kb/articles/${articleId}`)).status, 'published');
  await page.context().close();
});

test('an employee finds the article by searching, reads it and rates it', async () => {
  await waitUntilSearchable(people.employee, 'vpn disconnects');
  const page = await pageAs(people.employee);
  await sidebar(page).getByRole('link', { name: 'Knowledge base' }).click();
  await page.getByRole('heading', { level: 1, name: 'Knowledge base' }).waitFor();
  // Readers get no writer controls.
  assert.equal(await page.getByRole('link', { name: 'New article' }).count(), 0);
  assert.equal(await page.getByLabel('Status').count(), 0);

  await page.getByLabel('Search articles').fill('vpn disconnects');
  await page.getByLabel('Search articles').press('Enter');
  await page.waitForURL(/\/kb\?q=vpn/);
  const hit = page.locator('.kb-item', { has: page.getByRole('link', { name: TITLE }) });
  await hit.waitFor();
  assert.ok((await hit.locator('mark').count()) > 0, 'matched words are marked');
  await seriousViolations(page, 'search results');

  await hit.getByRole('link', { name: TITLE }).click();
  await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Edit' }).count(), 0);
  assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, 'one h1 on the article page');
  await page.locator('label[for=rating-yes]').click();
  assert.ok(await page.getByRole('radio', { name: 'Yes' }).isChecked());
  await page.getByLabel('Anything to add? (optional)').fill('The Settings step fixed it.');
  await page.getByRole('button', { name: 'Send feedback' }).click();
  await page.getByRole('status').filter({ hasText: 'Thank you for your feedback.' }).waitFor();
  await page.getByText('1 yes · 0 no').waitFor();
  await seriousViolations(page, 'the article page');
  await page.screenshot({ path: join(artifacts, 'kb-article.png'), fullPage: true });

  const agentApi = await apiAs(server, people.agent.email, people.agent.password);
  const ratings = await agentApi.get(`/kb/articles/${articleId}/ratings`);
  assert.deepEqual(
    ratings.map((r) => [r.helpful, r.comment]),
    [[true, 'The Settings step fixed it.']],
  );
  await page.context().close();
});

test('typing a new ticket suggests the article; "This solved it" records a deflection and raises no ticket', async () => {
  await waitUntilSearchable(people.employee, 'vpn disconnects');
  const page = await pageAs(people.employee);
  const searches = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/kb/search')) searches.push(new URL(r.url()).searchParams.get('q'));
  });
  await page.goto(`${server.url}/tickets/new`);
  await page.getByRole('heading', { level: 1, name: 'New ticket' }).waitFor();
  // Typing at a person's pace searches once the typing pauses, not per keystroke.
  await page.getByLabel('Title').pressSequentially('VPN disconnects', { delay: 60 });
  const panel = page.getByRole('region', { name: 'These articles might help' });
  await panel.getByRole('link', { name: TITLE }).waitFor();
  assert.ok(searches.length >= 1 && searches.length <= 2, `debounced searches: ${JSON.stringify(searches)}`);
  assert.equal(searches.at(-1), 'VPN disconnects');
  assert.equal(await panel.getByRole('link', { name: TITLE }).getAttribute('target'), '_blank');

  const deflected = page.waitForResponse((r) => r.url().endsWith('/api/v1/kb/deflections') && r.request().method() === 'POST');
  // The button names its article for screen readers (a visually hidden part after the words).
  await panel.getByRole('button', { name: /^This solved it\W+VPN disconnects every hour$/ }).click();
  const answer = await deflected;
  assert.equal(answer.status(), 201);
  const recorded = await answer.json();
  assert.equal(recorded.articleId, articleId);
  assert.equal(recorded.query, 'VPN disconnects');
  await page.getByRole('status').filter({ hasText: 'No ticket was raised' }).waitFor();
  await page.waitForURL(/\/tickets$/);

  const employeeApi = await apiAs(server, people.employee.email, people.employee.password);
  assert.equal((await employeeApi.get('/tickets')).meta.total, 0, 'no ticket was created');
  await page.context().close();
});

test('an agent sees the article among the suggestions on a matching ticket', async () => {
  await waitUntilSearchable(people.agent, 'vpn disconnects');
  const employeeApi = await apiAs(server, people.employee.email, people.employee.password);
  const ticket = await employeeApi.post('/tickets', {
    title: 'My VPN disconnects every hour',
    description: 'Working from home, the VPN drops once an hour.',
  });
  // Agents see their teams' tickets: the admin routes this one to the agent's team.
  const admin = await apiAs(server);
  const team = await admin.post('/admin/teams', { name: `Network desk ${Date.now()}` });
  await admin.post(`/admin/teams/${team.id}/members`, { userId: people.agent.id });
  await admin.patch(`/tickets/${ticket.id}`, { teamId: team.id });
  const page = await pageAs(people.agent);
  await page.goto(`${server.url}/tickets/${ticket.id}`);
  const panel = page.getByRole('region', { name: 'Suggested articles' });
  await panel.getByRole('link', { name: TITLE }).waitFor();
  await page.context().close();

  // The requester is no agent: no panel for them.
  const own = await pageAs(people.employee);
  await own.goto(`${server.url}/tickets/${ticket.id}`);
  await own.getByRole('heading', { level: 1, name: 'My VPN disconnects every hour' }).waitFor();
  assert.equal(await own.getByRole('region', { name: 'Suggested articles' }).count(), 0);
  await own.context().close();
});

test('an edit becomes a version; the history shows the diff and restores the first version', async () => {
  const page = await pageAs(people.manager);
  await page.goto(`${server.url}/kb/${articleId}`);
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByRole('heading', { level: 1, name: 'Edit article' }).waitFor();
  const body = page.getByLabel('Body (Markdown)');
  assert.equal(await body.inputValue(), BODY);
  await body.fill(BODY.replace(ORIGINAL_STEP, EDITED_STEP));
  await page.getByLabel('Change note').fill('Clarified where the setting is');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(new RegExp(`/kb/${articleId}$`));
  await page.locator('.kb-body', { hasText: 'choose Settings' }).waitFor();

  await page.getByRole('link', { name: 'History' }).click();
  await page.getByRole('heading', { level: 1, name: 'Version history' }).waitFor();
  await page.getByRole('cell', { name: 'Clarified where the setting is' }).waitFor();
  await page.getByRole('button', { name: 'Changes in version 2' }).click();
  await page.getByRole('heading', { name: 'Changes from version 1 to 2' }).waitFor();
  await page.locator('.kb-diff .diff-add', { hasText: 'choose Settings' }).waitFor();
  await page.locator('.kb-diff .diff-del', { hasText: 'choose **Reconnect automatically**' }).waitFor();
  await seriousViolations(page, 'the version history with a diff');

  await page.getByRole('button', { name: 'Restore version 1' }).click();
  await page.getByRole('button', { name: 'Yes, restore' }).click();
  await page.getByRole('status').filter({ hasText: 'Version 1 restored as version 3.' }).waitFor();
  await page.getByRole('cell', { name: '3 (current)' }).waitFor();
  const managerApi = await apiAs(server, people.manager.email, people.manager.password);
  const restored = await managerApi.get(`/kb/articles/${articleId}`);
  assert.equal(restored.bodyMarkdown, BODY);
  assert.equal(restored.currentVersion, 3);
  await page.context().close();
});
