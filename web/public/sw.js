// Helpdesk service worker: makes the web app installable, opens it without a network, and
// keeps the last 50 opened tickets readable offline.
//
// Plain JavaScript, copied as-is into dist/ by Trunk (web/index.html) and served at /sw.js with
// `Cache-Control: no-cache`, so browsers notice a new version on the next visit. Bump VERSION
// when this file's caching rules or FIXED_ASSETS change: the new worker then starts with empty
// caches and deletes the old ones.
//
// What goes where:
//   navigations (page loads, deep links)    network first; offline, the cached index.html
//   console and authoring pages             the network only; offline, a short notice
//   the app's own files (JS, WASM, CSS, icons) cache first; a miss is fetched and kept
//   ticket detail, ticket history, auth/me  network first; a 200 is kept (last 50 tickets);
//                                           offline, the kept copy with `X-Helpdesk-Offline: 1`
//   every other API call, every non-GET     the network, untouched; signing in or out also
//                                           empties the API cache, so one person's tickets are
//                                           never shown to the next on a shared device

'use strict';

const VERSION = 'v2';
const SHELL_CACHE = `helpdesk-shell-${VERSION}`;
const API_CACHE = `helpdesk-api-${VERSION}`;

// The app's files that index.html does not link to (the manifest and icons are linked, but
// the manifest's own icons are not).
const FIXED_ASSETS = [
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-512.png',
  '/icons/apple-touch-icon.png',
  '/icons/favicon-32.png',
];

// Trunk names each build's JS, WASM and CSS after a hash of their content
// (`helpdesk-web-<hex>.js`, `helpdesk-web-<hex>_bg.wasm`, `style-<hex>.css`): a new build means
// new names, and the old ones can be dropped once a newer index.html no longer links them.
const HASHED_ASSET = /-[0-9a-f]{12,16}(_bg)?\.(js|wasm|css)$/;

// Pages of the app's other builds, the console (administration, incident alerts) and authoring
// (the knowledge-base editor and history): the rule of `build_for` in shared-types/src/web.rs,
// which the server and the app use. They are not kept offline, and the workspace's offline copy must never
// answer them: it would hand the page back to them for ever.
const OTHER_BUILD_PATH = /^\/((admin|incidents)(\/.*)?|kb\/new|kb\/[^/]+\/(edit|history))$/;

// The API answers worth keeping for offline reading. The first group of a ticket path is its id.
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const TICKET_PATH = new RegExp(`^/api/v1/tickets/(${UUID})(/history)?$`);
const ME_PATH = '/api/v1/auth/me';
const MAX_TICKETS = 50;

// Kept inside the API cache itself, so it survives the worker being stopped and restarted, and
// goes away with the cache: the ids of the kept tickets, least recently stored first.
const ORDER_KEY = '/__sw/ticket-order';

// A person changes on these: drop everything kept for the previous one.
const SIGN_IN_OUT = new Set(['/api/v1/auth/login', '/api/v1/auth/logout']);
const SSO_CALLBACK = '/api/v1/auth/sso/callback';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const response = await fetch('/index.html', { cache: 'no-cache' });
      if (!(await storeShell(response))) throw new Error('/index.html is not the built app');
      // Take over from an older worker at once: the caches it used stay valid until `activate`.
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const current = new Set([SHELL_CACHE, API_CACHE]);
      for (const name of await caches.keys()) {
        if (name.startsWith('helpdesk-') && !current.has(name)) await caches.delete(name);
      }
      // Control pages that were opened before this worker existed (the very first visit).
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Other hosts: not ours to cache. Returning without respondWith() leaves a request to the
  // browser exactly as if there were no service worker.
  if (url.origin !== self.location.origin) return;
  const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');

  if (request.method !== 'GET') {
    if (request.method === 'POST' && SIGN_IN_OUT.has(url.pathname)) event.waitUntil(forgetApiAnswers());
    return;
  }
  if (isApi) {
    // Single sign-on finishes with a navigation here, not a POST to /auth/login.
    if (url.pathname === SSO_CALLBACK) event.waitUntil(forgetApiAnswers());
    if (url.pathname === ME_PATH || TICKET_PATH.test(url.pathname)) {
      event.respondWith(apiNetworkFirst(event, request, url));
    }
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(OTHER_BUILD_PATH.test(url.pathname) ? otherBuildPage(request) : navigate(event, request));
    return;
  }
  if (url.pathname !== '/sw.js') event.respondWith(cacheFirst(request));
});

// ---- The app shell ----

// Every same-origin file an index.html refers to: `href`/`src` attributes (Trunk's preload
// links, stylesheet, manifest, icons) and quoted absolute paths in Trunk's inline loader script
// (`init('/helpdesk-web-<hex>_bg.wasm')`). Returns paths such as `/helpdesk-web-<hex>.js`.
function linkedAssets(html) {
  const base = new URL('/index.html', self.location.origin);
  const patterns = [/\b(?:href|src)\s*=\s*["']?([^"'\s>]+)/gi, /["'](\/[^"'\s]+\.(?:js|wasm|css))["']/g];
  const found = new Set();
  for (const pattern of patterns) {
    for (const match of html.matchAll(pattern)) {
      const url = new URL(match[1], base);
      if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) continue;
      if (url.pathname === '/sw.js') continue; // the browser fetches the worker itself
      found.add(url.pathname);
    }
  }
  return found;
}

// Paths of the /snippets/ modules a JS file imports (`from './snippets/x/inline0.js'`).
function importedSnippets(js, jsPath) {
  const base = new URL(jsPath, self.location.origin);
  return [...js.matchAll(/from\s*["']([^"']*\/snippets\/[^"']+)["']/g)].map((m) => new URL(m[1], base).pathname);
}

// Keeps `response` as the offline index.html (answering `/` and `/index.html`) together with
// every file it links to, then drops hashed files of older builds. Returns false, keeping
// nothing, when the page is not the built app (an error page, or the server's "not built" page
// that links no WASM).
async function storeShell(response) {
  const type = response.headers.get('Content-Type') || '';
  if (!response.ok || !type.startsWith('text/html')) return false;
  const html = await response.text();
  const linked = linkedAssets(html);
  if (![...linked].some((path) => path.endsWith('_bg.wasm'))) return false;

  const cache = await caches.open(SHELL_CACHE);
  await keepAppFiles(cache, new Set([...FIXED_ASSETS, ...linked]));
  // wasm-bindgen puts JS that crates inline (`#[wasm_bindgen(inline_js)]`) into
  // /snippets/<crate>-<hash>/*.js, imported by the loader rather than linked by index.html.
  const snippets = new Set();
  for (const path of linked) {
    if (!path.endsWith('.js')) continue;
    const loader = await cache.match(path);
    for (const snippet of importedSnippets(await loader.text(), path)) snippets.add(snippet);
  }
  await keepAppFiles(cache, snippets);

  // The index last, so it is never kept without everything it loads.
  const index = () => new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
  await cache.put('/index.html', index());
  await cache.put('/', index());

  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (HASHED_ASSET.test(path) && !linked.has(path)) await cache.delete(request);
  }
  return true;
}

// Fetches and keeps those of `paths` not kept yet; fails unless every one arrives. A path that
// is not a file gets the server's index.html fallback: that is a missing file, not one to keep.
async function keepAppFiles(cache, paths) {
  const missing = [];
  for (const path of paths) if (!(await cache.match(path))) missing.push(path);
  const fetched = await Promise.all(
    missing.map(async (path) => {
      const response = await fetch(path);
      if (!isAppFile(response)) throw new Error(`${path} is not a file of the app (${response.status})`);
      return [path, response];
    }),
  );
  for (const [path, response] of fetched) await cache.put(path, response);
}

function isAppFile(response) {
  const type = response.headers.get('Content-Type') || '';
  return response.ok && response.type === 'basic' && !type.startsWith('text/html');
}

// Pages of the other builds: the network's page, or a notice that they need a connection.
async function otherBuildPage(request) {
  try {
    return await fetch(request);
  } catch (err) {
    const html =
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" ' +
      'content="width=device-width, initial-scale=1"><title>Offline - Helpdesk</title></head><body>' +
      '<main><h1>You are offline</h1><p>Administration and article editing need a connection. ' +
      'Your recently opened tickets are still available.</p>' +
      '<p><a href="/tickets">Go to your tickets</a></p></main></body></html>';
    return new Response(html, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
  }
}

// Page loads: the network's page when there is one (and it becomes the offline copy, so the
// offline app follows new builds without a new worker); otherwise the kept index.html, which
// boots the app on any client route, e.g. /tickets/<id>.
async function navigate(event, request) {
  try {
    const response = await fetch(request);
    event.waitUntil(storeShell(response.clone()).catch(() => false));
    return response;
  } catch (err) {
    const cache = await caches.open(SHELL_CACHE);
    const index = await cache.match('/index.html');
    if (index) return index;
    throw err;
  }
}

// The app's own files: hashed names never change content, and the rest (manifest, icons) are
// refreshed by bumping VERSION.
async function cacheFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (isAppFile(response)) await cache.put(request, response.clone());
  return response;
}

// ---- Offline reading of tickets ----

// Changes on every sign-in or sign-out; an answer that arrives after a change belongs to the
// previous person and is not kept.
let apiGeneration = 0;

// Cache updates run one at a time, so the ticket order is never read and written by two at once
// (one worker handles every request of the origin, so an in-memory queue is enough).
let cacheQueue = Promise.resolve();
function serialized(task) {
  const run = cacheQueue.then(task);
  cacheQueue = run.catch(() => {});
  return run;
}

async function apiNetworkFirst(event, request, url) {
  const generation = apiGeneration;
  // Keyed by URL only: the stored request carries no Authorization header, and Vary is ignored.
  const key = url.href;
  let response;
  try {
    response = await fetch(request);
  } catch {
    const cache = await caches.open(API_CACHE);
    const kept = await cache.match(key, { ignoreVary: true });
    return kept ? markOffline(kept) : Response.error();
  }
  const ticket = url.pathname.match(TICKET_PATH)?.[1]?.toLowerCase();
  if (response.status === 200) {
    const copy = response.clone();
    event.waitUntil(serialized(() => generation === apiGeneration && keepAnswer(key, ticket, copy)));
  } else if (ticket && (response.status === 403 || response.status === 404)) {
    // Gone, or no longer visible to this person: do not keep showing it offline.
    event.waitUntil(serialized(() => forgetTickets([ticket])));
  }
  return response;
}

// A kept answer, marked so the app can say it is showing an offline copy.
function markOffline(kept) {
  const headers = new Headers(kept.headers);
  headers.set('X-Helpdesk-Offline', '1');
  return new Response(kept.body, { status: kept.status, statusText: kept.statusText, headers });
}

async function keepAnswer(key, ticket, response) {
  const cache = await caches.open(API_CACHE);
  let evicted = [];
  if (ticket) {
    // The order is written before the answer: if the worker stops in between, an id without
    // answers is harmless, while answers without an id would never be evicted.
    const order = (await readOrder(cache)).filter((id) => id !== ticket);
    order.push(ticket);
    evicted = order.splice(0, Math.max(0, order.length - MAX_TICKETS));
    await writeOrder(cache, order);
  }
  await cache.put(key, response);
  await dropAnswers(cache, evicted);
}

// Drops every kept answer about these tickets (detail and history, with any query string).
async function forgetTickets(ids) {
  const cache = await caches.open(API_CACHE);
  const gone = new Set(ids);
  await writeOrder(cache, (await readOrder(cache)).filter((id) => !gone.has(id)));
  await dropAnswers(cache, ids);
}

async function dropAnswers(cache, ids) {
  if (ids.length === 0) return;
  const gone = new Set(ids);
  for (const request of await cache.keys()) {
    const id = new URL(request.url).pathname.match(TICKET_PATH)?.[1]?.toLowerCase();
    if (id && gone.has(id)) await cache.delete(request);
  }
}

async function readOrder(cache) {
  const kept = await cache.match(ORDER_KEY);
  if (!kept) return [];
  try {
    const order = await kept.json();
    return Array.isArray(order) ? order : [];
  } catch {
    return [];
  }
}

function writeOrder(cache, order) {
  return cache.put(ORDER_KEY, new Response(JSON.stringify(order), { headers: { 'Content-Type': 'application/json' } }));
}

function forgetApiAnswers() {
  apiGeneration += 1;
  return serialized(() => caches.delete(API_CACHE));
}
