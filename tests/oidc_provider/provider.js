// A real OpenID Connect provider for the tests: panva's oidc-provider (OpenID Certified), configured for one
// client, the authorization-code flow with PKCE (S256) required, and a few test accounts. Started by
// tests/oidc_support.py; nothing here runs in production.
//
// Settings come from the environment:
//   PORT            the port on 127.0.0.1 (the issuer is http://127.0.0.1:PORT)
//   CLIENT_ID, CLIENT_SECRET, REDIRECT_URI   the one client (the app under test)
//   ACCOUNTS        JSON list of {"sub", "email", "email_verified", "xms_edov", "name"}: who can sign in here;
//                   a claim given as null is left out of the tokens (Entra ID sends no email_verified, and
//                   says whether the email's domain is verified in its optional claim xms_edov)
//   KEY_ID          the signing key's id (default "test-key"); the key itself is made fresh at every start
//   ADVERTISED_JWKS_URI  when set, the discovery document names this key set instead of the provider's own:
//                   a test points it at another instance's keys (same key id, other key) to check that the
//                   app refuses an ID token whose signature its provider's keys do not verify.
//
// Sign-in is a small form of our own (labelled fields, so browser tests find it by label and axe passes on
// it): type an account's `sub` and sign in, or cancel (the app then gets error=access_denied). Consent is
// granted without asking, as a first-party provider does for its organisation's own apps.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const clientId = process.env.CLIENT_ID;
const clientSecret = process.env.CLIENT_SECRET;
const redirectUri = process.env.REDIRECT_URI;
const accounts = new Map(JSON.parse(process.env.ACCOUNTS || '[]').map((account) => [account.sub, account]));
const keyId = process.env.KEY_ID || 'test-key';
const advertisedJwksUri = process.env.ADVERTISED_JWKS_URI || '';

if (!port || !clientId || !clientSecret || !redirectUri) {
  console.error('provider.js needs PORT, CLIENT_ID, CLIENT_SECRET and REDIRECT_URI');
  process.exit(2);
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: keyId, alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { methods: ['S256'], required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified', 'xms_edov'], profile: ['name'] },
  // The claims asked for by scope go in the ID token too, as Entra ID and Google put email there.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        const claims = {
          sub, email: account.email, email_verified: account.email_verified, xms_edov: account.xms_edov,
          name: account.name || sub,
        };
        return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== null && value !== undefined));
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function signInPage(uid, problem) {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${problem ? 'Error: ' : ''}Sign in – Test identity provider</title></head>
<body>
<main>
<h1>Test identity provider</h1>
${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}">
  <p><label for="account">Account</label>
  <input id="account" name="account" autocomplete="username" required></p>
  <p><button type="submit" name="action" value="sign-in">Sign in</button>
  <button type="submit" name="action" value="cancel" formnovalidate>Cancel</button></p>
</form>
</main>
</body>
</html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)$/);
  if (!match) {
    await next();
    if (advertisedJwksUri && ctx.path === '/.well-known/openid-configuration' && ctx.body) {
      ctx.body = { ...ctx.body, jwks_uri: advertisedJwksUri };
    }
    return;
  }
  const uid = match[1];
  ctx.set('Cache-Control', 'no-store');
  if (ctx.method === 'GET') {
    await provider.interactionDetails(ctx.req, ctx.res); // a stale or foreign uid fails here
    ctx.type = 'html';
    ctx.body = signInPage(uid);
    return;
  }
  if (ctx.method !== 'POST') {
    ctx.throw(405);
  }
  const form = await readForm(ctx.req);
  if (form.get('action') === 'cancel') {
    await provider.interactionFinished(ctx.req, ctx.res, {
      error: 'access_denied', error_description: 'The person cancelled signing in',
    }, { mergeWithLastSubmission: false });
    return;
  }
  const sub = (form.get('account') || '').trim();
  if (!accounts.has(sub)) {
    ctx.type = 'html';
    ctx.body = signInPage(uid, 'There is no such account here.');
    return;
  }
  await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: sub } }, {
    mergeWithLastSubmission: false,
  });
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening at ${issuer}`);
});
