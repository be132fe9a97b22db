// A real OpenID Connect provider for the OIDC login tests: the certified `oidc-provider`
// package with one confidential client (kiss-details), PKCE required, RP-initiated logout,
// and a plain username/password login page. Accounts live in memory and are set by the tests
// through PUT /_test/accounts/<sub> (JSON: {"password": "...", "claims": {...}}), so a test can
// give a user a role, none, or change it between two logins.
//
// Usage: node provider.mjs   (environment: PROVIDER_PORT, RP_URL, CLIENT_ID, CLIENT_SECRET)
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const port = Number(process.env.PROVIDER_PORT);
const issuer = `http://127.0.0.1:${port}`;
const rpUrl = process.env.RP_URL;
const accounts = new Map();

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };

const escape = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${body}</body></html>`;

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [`${rpUrl}/oidc/callback/`],
    post_logout_redirect_uris: [`${rpUrl}/admin/login/`],
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  // Roles live in the claims of the openid scope, as a Keycloak "roles" mapper or Entra's
  // app roles put them in every login; `realm_access` is Keycloak's nested shape.
  claims: {
    openid: ['sub', 'roles', 'realm_access'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Uitloggen', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Uitloggen</button>`);
      },
      postLogoutSuccessSource: async (ctx) => { ctx.body = page('Uitgelogd', ''); },
    },
  },
  findAccount: async (ctx, sub) => {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
  },
  // A first-party client: no consent screen, the client gets the scopes and claims it asks for.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Fout', `<pre>${escape(JSON.stringify(out))}</pre>`);
  },
});

provider.use(async (ctx, next) => {
  const account = ctx.path.match(/^\/_test\/accounts\/([^/]+)$/);
  if (account && ctx.method === 'PUT') {
    let body = '';
    for await (const chunk of ctx.req) body += chunk;
    accounts.set(decodeURIComponent(account[1]), JSON.parse(body));
    ctx.status = 204;
    return;
  }
  const interaction = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (!interaction) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = page('Inloggen bij de testprovider', `<form method="post" action="/interaction/${escape(details.uid)}">
      <input name="login" autocomplete="username"><input name="password" type="password"><button type="submit">Inloggen</button></form>`);
    return;
  }
  const form = await readForm(ctx.req);
  const found = accounts.get(form.get('login'));
  if (!found || found.password !== form.get('password')) {
    ctx.status = 401;
    ctx.type = 'html';
    ctx.body = page('Onjuiste inloggegevens', '');
    return;
  }
  await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: form.get('login') } }, { mergeWithLastSubmission: false });
});

provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
