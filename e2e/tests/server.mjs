// Starts the real `helpdesk` binary on a free port with a fresh data directory, and stops it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '..', '..');

export const ADMIN_EMAIL = 'admin@e2e.example';
export const ADMIN_PASSWORD = 'e2e-admin-password';

/** Starts the server; `extraEnv` adds settings such as HELPDESK_OIDC_ISSUER. */
export async function startServer(extraEnv = {}) {
  const bin = process.env.HELPDESK_BIN ? resolve(process.env.HELPDESK_BIN) : join(root, 'target', 'debug', 'helpdesk');
  const dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-e2e-'));
  const child = spawn(bin, ['serve'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HELPDESK_BIND: '127.0.0.1:0',
      HELPDESK_DATA_DIR: dataDir,
      HELPDESK_ADMIN_EMAIL: ADMIN_EMAIL,
      HELPDESK_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HELPDESK_LOG_LEVEL: 'warn',
      HELPDESK_WEB_DIR: process.env.HELPDESK_WEB_DIR ?? join(root, 'dist'),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('server did not start within 60 s')), 60_000);
    child.once('error', (err) => fail(new Error(`cannot start ${bin}: ${err.message}`)));
    child.once('exit', (code) => fail(new Error(`server exited early with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = line.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((ok) => (child.exitCode !== null ? ok() : child.once('exit', ok)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// Debian's Chromium, headless, with the flags this closed network needs.
export const chromiumOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};
