// The web app installs as a PWA: its manifest and icons are served correctly, Chromium finds
// nothing missing for installation, and the service worker keeps the app shell for offline use.
// Needs the built app in dist/ (`trunk build --release`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, chromiumOptions, startServer } from './server.mjs';

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

// The sign-in page in a fresh browser profile (or in `context`), once its service worker is
// active and controls the page (it claims open pages when it activates).
async function openWithWorker(context) {
  context ??= await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.evaluate(async () => {
    // A worker whose install fails never becomes ready: fail instead of waiting forever.
    const timeout = new Promise((_, fail) => setTimeout(() => fail(new Error('no active service worker')), 30_000));
    await Promise.race([navigator.serviceWorker.ready, timeout]);
    if (!navigator.serviceWorker.controller) {
      await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok, { once: true }));
    }
  });
  return { context, page };
}

// Calls the API straight from the test, not through the browser.
async function api(method, path, token, body) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status}`);
  return res.json();
}

// Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG.
function pngSize(bytes) {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!bytes.subarray(0, 8).equals(signature)) return null;
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

// The path of the WASM the built index.html loads.
async function wasmPath() {
  const html = await (await fetch(`${server.url}/index.html`)).text();
  const match = html.match(/\/[\w.-]+_bg\.wasm/);
  assert.ok(match, 'index.html loads no WASM: is dist/ built?');
  return match[0];
}

test('the manifest is served as a manifest and its icons are PNGs of the declared sizes', async () => {
  const res = await fetch(`${server.url}/manifest.webmanifest`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/manifest+json');
  const manifest = await res.json();
  assert.equal(manifest.name, 'Helpdesk');
  assert.equal(manifest.start_url, '/tickets');
  assert.equal(manifest.scope, '/');
  assert.equal(manifest.display, 'standalone');
  assert.ok(manifest.icons.some((i) => i.purpose === 'maskable' && i.sizes === '512x512'), 'a maskable 512px icon');
  for (const icon of manifest.icons) {
    const got = await fetch(new URL(icon.src, res.url));
    assert.equal(got.status, 200, icon.src);
    assert.equal(got.headers.get('content-type'), 'image/png', icon.src);
    assert.equal(pngSize(Buffer.from(await got.arrayBuffer())), icon.sizes, icon.src);
  }
});

test('the hashed WASM is cached for a year, the shell and worker are revalidated', async () => {
  const wasm = await fetch(`${server.url}${await wasmPath()}`);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal(wasm.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  for (const path of ['/sw.js', '/index.html', '/tickets/some-id']) {
    const res = await fetch(`${server.url}${path}`);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('cache-control'), 'no-cache', path);
  }
});

test('Chromium reports no installability errors on the sign-in page', async () => {
  // Chromium never offers installation in an incognito profile, which is what newContext()
  // gives: this check needs a profile on disk.
  const profile = mkdtempSync(join(tmpdir(), 'helpdesk-pwa-'));
  const { context, page } = await openWithWorker(await chromium.launchPersistentContext(profile, chromiumOptions));
  try {
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, []);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('the service worker precaches the shell and the hashed WASM', async () => {
  const { context, page } = await openWithWorker();
  try {
    const kept = await page.evaluate(async () => {
      const paths = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
      }
      return paths;
    });
    for (const path of [await wasmPath(), '/index.html', '/manifest.webmanifest', '/icons/icon-192.png']) {
      assert.ok(kept.includes(path), `${path} not precached; kept: ${kept.join(', ')}`);
    }
  } finally {
    await context.close();
  }
});

test('offline, a deep link still opens the app shell', async () => {
  const { context, page } = await openWithWorker();
  try {
    await context.setOffline(true);
    // The worker itself is offline too: a file it has not kept cannot be fetched.
    const probe = await page.evaluate(() =>
      fetch('/icons/favicon-32.png?not-kept').then(
        () => 'fetched',
        () => 'failed',
      ),
    );
    assert.equal(probe, 'failed', 'the service worker still reached the network');

    const res = await page.goto(`${server.url}/some/deep/link`);
    assert.ok(res, 'no response');
    assert.equal(res.status(), 200);
    assert.ok(res.fromServiceWorker(), 'answered by the service worker');
    assert.equal(await page.title(), 'Helpdesk');
    assert.match(await page.content(), /_bg\.wasm/, 'the index that loads the app');
    // Trunk's loader sets this once the kept JS and WASM have loaded and started.
    await page.waitForFunction(() => window.wasmBindings !== undefined, null, { timeout: 30_000 });
  } finally {
    await context.close();
  }
});

// The console (administration) and authoring (article editing) are separate builds: online their
// pages get their own index.html, never the workspace's kept copy; offline they say they need a
// connection instead of opening the workspace, which would only hand the address back.
test('console and authoring pages load their build online and say they need a connection offline', async () => {
  const { context, page } = await openWithWorker();
  try {
    // The page's body is read as soon as it arrives: once loaded, a build without a session
    // hands the visitor to the sign-in page, and a body navigated away from cannot be read.
    const online = await page.goto(`${server.url}/admin/users`, { waitUntil: 'commit' });
    assert.equal(online.status(), 200);
    assert.match(await online.text(), /\/console\/helpdesk-console-[0-9a-f]+_bg\.wasm/, 'the console build');
    const editor = await page.goto(`${server.url}/kb/new`, { waitUntil: 'commit' });
    assert.match(await editor.text(), /\/authoring\/helpdesk-authoring-[0-9a-f]+_bg\.wasm/, 'the authoring build');
    await context.setOffline(true);
    const res = await page.goto(`${server.url}/kb/new`);
    assert.equal(res.status(), 503);
    assert.ok(res.fromServiceWorker(), 'answered by the service worker');
    assert.match(await page.locator('h1').innerText(), /You are offline/);
    // The workspace's offline copy is still the workspace.
    const home = await page.goto(`${server.url}/tickets`);
    assert.ok(home.fromServiceWorker());
    assert.doesNotMatch(await page.content(), /helpdesk-(console|authoring)/);
  } finally {
    await context.close();
  }
});

// The ticket answers the service worker keeps, checked at the API level from the page (the
// sign-in and ticket pages that use them are tested with the pages).
test('the service worker keeps the last 50 opened tickets for offline reading, and forgets them on sign-in', async () => {
  const { accessToken } = await api('POST', '/api/v1/auth/login', null, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  const ids = [];
  for (let i = 1; i <= 51; i++) {
    ids.push((await api('POST', '/api/v1/tickets', accessToken, { title: `Offline ${i}`, description: 'Kept for reading' })).id);
  }
  const { context, page } = await openWithWorker();
  try {
    // Opens every ticket (detail and history) through the worker, oldest first.
    await page.evaluate(
      async ({ ids, token }) => {
        for (const id of ids) {
          for (const path of [`/api/v1/tickets/${id}`, `/api/v1/tickets/${id}/history`]) {
            const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
            if (!res.ok) throw new Error(`${path}: ${res.status}`);
          }
        }
      },
      { ids, token: accessToken },
    );
    // The worker stores after answering, in order: wait for the last answer.
    const keptTickets = () =>
      page.evaluate(async () => {
        const names = (await caches.keys()).filter((n) => n.startsWith('helpdesk-api-'));
        if (names.length === 0) return [];
        const keys = await (await caches.open(names[0])).keys();
        return keys.map((r) => new URL(r.url).pathname).filter((p) => p.startsWith('/api/v1/tickets/'));
      });
    let kept = [];
    for (let i = 0; i < 50; i++) {
      kept = await keptTickets();
      if (kept.includes(`/api/v1/tickets/${ids[50]}/history`)) break;
      await new Promise((ok) => setTimeout(ok, 100));
    }
    assert.equal(kept.length, 100, 'detail and history of 50 tickets');
    assert.ok(!kept.some((p) => p.includes(ids[0])), 'the oldest ticket was evicted');

    await context.setOffline(true);
    const offline = await page.evaluate(
      async ({ newest, oldest, token }) => {
        const read = (id) =>
          fetch(`/api/v1/tickets/${id}`, { headers: { authorization: `Bearer ${token}` } }).then(
            async (res) => ({ status: res.status, offline: res.headers.get('x-helpdesk-offline'), id: (await res.json()).id }),
            () => 'failed',
          );
        return { newest: await read(newest), oldest: await read(oldest) };
      },
      { newest: ids[50], oldest: ids[0], token: accessToken },
    );
    assert.deepEqual(offline.newest, { status: 200, offline: '1', id: ids[50] });
    assert.equal(offline.oldest, 'failed', 'an evicted ticket is not answered offline');

    // Signing in (someone else, or the same person again) drops every kept answer.
    await context.setOffline(false);
    await page.evaluate(
      async (body) => {
        await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      },
      JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    );
    for (let i = 0; i < 50 && kept.length > 0; i++) {
      kept = await keptTickets();
      if (kept.length > 0) await new Promise((ok) => setTimeout(ok, 100));
    }
    assert.deepEqual(kept, [], 'no ticket answers kept after a sign-in');
  } finally {
    await context.close();
  }
});
