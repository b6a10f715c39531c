// AI triage in the browser: with the threshold at 1 nothing is applied on its own, so a new
// ticket carries a suggestion; an agent accepts it on the ticket page and the ticket takes the
// suggested value. Needs the search model (`scripts/setup.sh --model`, which test.sh runs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, chromiumOptions, startServer } from './server.mjs';
import { apiAs, signIn } from './ui.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const modelDir = process.env.HELPDESK_EMBEDDING_MODEL_DIR ?? join(root, 'data', 'models', 'all-MiniLM-L6-v2');

let server;
let browser;

before(async () => {
  assert.ok(existsSync(join(modelDir, 'model.safetensors')), `no model in ${modelDir}: run scripts/setup.sh --model`);
  server = await startServer({ HELPDESK_AI_THRESHOLD: '1', HELPDESK_EMBEDDING_MODEL_DIR: modelDir });
  browser = await chromium.launch(chromiumOptions);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an agent accepts the AI suggestion on the ticket page', async () => {
  const admin = await apiAs(server);
  for (const [name, description] of [
    ['Network', 'Wi-Fi, VPN, internet connection, network drives, DNS'],
    ['Hardware', 'Laptops, printers, monitors, docking stations, keyboards'],
    ['Accounts', 'Passwords, sign-in, multi-factor authentication, locked accounts'],
  ]) {
    await admin.post('/admin/categories', { name, description });
  }
  const ticket = await admin.post('/tickets', {
    title: 'VPN disconnects every few minutes',
    description: 'Since this morning the VPN drops the connection every few minutes and I lose my network drives.',
  });

  // The triage job runs in the background; creating the ticket never waited for it.
  let suggested;
  for (let i = 0; i < 120 && !suggested; i++) {
    const { aiSuggestedCategory, aiSuggestedPriority } = await admin.get(`/tickets/${ticket.id}`);
    if (aiSuggestedCategory || aiSuggestedPriority) suggested = { aiSuggestedCategory, aiSuggestedPriority };
    else await new Promise((ok) => setTimeout(ok, 500));
  }
  assert.ok(suggested, 'no AI suggestion within 60 s');

  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await signIn(page, server, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${server.url}/tickets/${ticket.id}`);
    const card = page.getByRole('region', { name: 'Suggested by AI' });
    await card.waitFor();
    const accept = card.getByRole('button', { name: /^Accept / }).first();
    const what = await accept.getAttribute('aria-label');
    await accept.click();
    // The accepted field leaves the card; the ticket now has the value.
    await page.getByRole('button', { name: what }).waitFor({ state: 'detached' });
    const after = await admin.get(`/tickets/${ticket.id}`);
    if (what.startsWith('Accept category')) {
      assert.equal(after.categoryId, suggested.aiSuggestedCategory);
      assert.equal(after.aiSuggestedCategory, null);
    } else {
      assert.equal(after.priority, suggested.aiSuggestedPriority);
      assert.equal(after.aiSuggestedPriority, null);
    }
  } finally {
    await context.close();
  }
});

test('the ticket page lists a duplicate under similar tickets', async () => {
  const admin = await apiAs(server);
  const first = await admin.post('/tickets', {
    title: 'Printer on floor 3 jams on every page',
    description: 'The shared printer on the third floor jams with every print job since yesterday.',
  });
  const second = await admin.post('/tickets', {
    title: 'Third floor printer keeps jamming',
    description: 'Paper jam on the printer near the kitchen on floor 3, every single job.',
  });
  // Each ticket is embedded by a background job; the list says `pending` until then.
  for (let i = 0; i < 120; i++) {
    const { status } = await admin.get(`/tickets/${second.id}/similar`);
    if (status === 'ok') break;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await signIn(page, server, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${server.url}/tickets/${second.id}`);
    const card = page.getByRole('region', { name: 'Similar tickets' });
    await card.getByRole('link', { name: new RegExp(first.ticketNumber) }).waitFor();
  } finally {
    await context.close();
  }
});
