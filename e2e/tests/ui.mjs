// Typed helpers for browser tests: set-up through the real REST API, and signing in through
// the real sign-in page.
import assert from 'node:assert/strict';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './server.mjs';

export const PASSWORD = 'e2e-user-password';

/** A small client for the server's REST API, signed in as `email`. */
export async function apiAs(server, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(login.status, 200, `sign-in of ${email} through the API`);
  const { accessToken, user } = await login.json();
  const call = async (method, path, body) => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    user,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
    patch: (path, body) => call('PATCH', path, body),
    put: (path, body) => call('PUT', path, body),
  };
}

/** Creates a user with a known password; returns its DTO. */
export async function createUser(admin, role, name) {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Date.now()}@e2e.example`;
  const { user } = await admin.post('/admin/users', { email, name, role, password: PASSWORD });
  return { ...user, password: PASSWORD };
}

/** Signs in through the sign-in page and waits for the ticket list. */
export async function signIn(page, server, email, password = PASSWORD) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/tickets/, { timeout: 30_000 });
}
