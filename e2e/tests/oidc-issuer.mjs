// A real OpenID Connect issuer for the single sign-on test: the npm package `oidc-provider`
// with its development sign-in pages, where any name signs in as `<name>` with that e-mail.
import { createServer } from 'node:net';
import Provider from 'oidc-provider';

export const CLIENT_ID = 'helpdesk-e2e';
export const CLIENT_SECRET = 'helpdesk-e2e-secret-0123456789';

/** A free TCP port on this machine (the issuer's URL must be known before the server starts). */
export async function freePort() {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

/**
 * Starts the issuer at `http://localhost:<port>` (a different site from the helpdesk at
 * 127.0.0.1, so the browser treats the round trip as cross-site, as in production).
 */
export async function startIssuer(port, redirectUri) {
  const issuer = `http://localhost:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: id, email_verified: true, name: `SSO ${id.split('@')[0]}` };
        },
      };
    },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['e2e-cookie-key-0123456789abcdef'] },
  });
  const server = await new Promise((ok) => {
    const s = provider.listen(port, '127.0.0.1', () => ok(s));
  });
  return {
    issuer,
    async stop() {
      await new Promise((ok) => server.close(ok));
    },
  };
}
