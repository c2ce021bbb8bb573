import { createRoute, z } from '@hono/zod-openapi';
import { AuthorizationError, CimdFetchError } from '@cloudflare/workers-oauth-provider';
import type { Context } from 'hono';
import type { AppEnv } from '../../app-env';
import { callerOf } from '../../auth/keys';
import { ApiError, notConfiguredResponse } from '../../errors';
import type { GrantProps } from '../../oauth/caller';
import { CONNECTION_ROLES, consentPage, escapeHtml, type ConnectionRole } from '../../oauth/consent-page';
import { signedInPerson } from '../../oauth/person';
import { authorizationServer, oauthEnv } from '../../oauth/server';

const html = { 'text/html': { schema: z.string() } };
const pageResponses = {
  200: { description: 'The sign-in and consent page.', content: html },
  302: { description: 'Back to the app: `code` and `state` (or `error=access_denied`), with `iss`.' },
  400: {
    description: 'The request names no valid client or redirect URI: shown here, never redirected.',
    content: html,
  },
  401: { description: 'The key (or Access sign-in) was not accepted; go back and try again.', content: html },
  ...notConfiguredResponse,
} as const;

export const authorizePageRoute = createRoute({
  method: 'get',
  path: '/authorize',
  operationId: 'openOAuthConsent',
  summary: 'OAuth sign-in and consent page',
  description:
    'OAuth 2.1 authorization endpoint (PKCE S256, exact redirect URIs). Shows the app, where access goes and its metadata URL; the person signs in (Access or human key), picks the role and scopes.',
  security: [],
  responses: pageResponses,
});

export const authorizeDecisionRoute = createRoute({
  method: 'post',
  path: '/authorize',
  operationId: 'decideOAuthConsent',
  summary: 'Allow or deny an OAuth connection',
  description:
    'The consent form: handle, decision (approve|deny), role (gpt|cursor|human), scope, and the human key when Access is not in front. Redirects back to the app with a code, or access_denied.',
  security: [],
  responses: pageResponses,
});

function page(body: string, status: 200 | 400 | 401, headers?: Headers): Response {
  const response = new Response(body, { status, headers });
  response.headers.set('content-type', 'text/html; charset=utf-8');
  response.headers.set('cache-control', 'no-store');
  response.headers.set('x-frame-options', 'DENY');
  return response;
}

function notice(title: string, detail: string, status: 400 | 401): Response {
  return page(
    `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)} · Hezlep Ops</title>` +
      `<main style="max-width:34rem;margin:3rem auto;font:14px/1.5 system-ui,sans-serif;color:#0f172a">` +
      `<h1 style="font-size:1.25rem">${escapeHtml(title)}</h1><p role="alert">${escapeHtml(detail)}</p></main>`,
    status,
  );
}

/** A refusal the library says is safe to send back to the app goes there; anything else is shown here. */
function refusal(error: unknown): Response {
  if (error instanceof AuthorizationError) {
    if (error.redirectTo) return new Response(null, { status: 302, headers: { location: error.redirectTo } });
    return notice('This connection request cannot be used', error.description, 400);
  }
  if (error instanceof CimdFetchError) {
    return notice(
      'This app could not be verified',
      'Its client metadata document could not be fetched or is not valid.',
      400,
    );
  }
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
    return notice('Sign-in failed', `${error.message} Go back and try again.`, 401);
  }
  throw error;
}

const helpersOf = (c: Context<AppEnv>) => authorizationServer(new URL(c.req.url).origin).getOAuthApi(oauthEnv(c.env));

/** GET: check the request (client, exact redirect URI, PKCE), then show who asks and for what. */
export async function showConsent(c: Context<AppEnv>): Promise<Response> {
  try {
    const oauth = helpersOf(c);
    const request = await oauth.parseAuthRequest(c.req.raw);
    const person = await signedInPerson(c);
    const details = await oauth.describeConsent(request);
    const consent = await oauth.beginConsent(request);
    return page(
      consentPage({ details, clientId: request.clientId, handle: consent.handle, person }),
      200,
      consent.headers,
    );
  } catch (error) {
    return refusal(error);
  }
}

/** POST: the person's decision. The request itself comes from storage (by the handle), never from the form. */
export async function decideConsent(c: Context<AppEnv>): Promise<Response> {
  try {
    const oauth = helpersOf(c);
    const form = await c.req.formData();
    const handle = String(form.get('handle') ?? '');
    if (form.get('decision') !== 'approve') {
      const denied = await oauth.denyConsent(c.req.raw, handle);
      return new Response(null, { status: 302, headers: denied.headers });
    }
    const key = form.get('key');
    const person = await signedInPerson(c, typeof key === 'string' && key ? key.trim() : undefined);
    if (!person) throw new ApiError('unauthenticated', 'Sign in first: enter your human API key.');
    const role = String(form.get('role') ?? '') as ConnectionRole;
    if (!CONNECTION_ROLES.includes(role))
      return notice('Choose a role', 'Pick the role the connection acts as (gpt, cursor or human).', 400);
    const scope = form.getAll('scope').map(String);
    const approved = await oauth.approveConsent(c.req.raw, handle, { scope });
    const client = await oauth.lookupClient(approved.request.clientId);
    const clientName = (client?.clientName ?? approved.request.clientId).slice(0, 120);
    const props: GrantProps = { person, role, clientName };
    const { redirectTo } = await oauth.completeAuthorization({
      request: approved.request,
      userId: person,
      metadata: { role, clientName },
      scope: approved.request.scope,
      props,
    });
    await c.var.services.audit(callerOf('human', person)).record({
      action: 'connection.approved',
      target: `oauth-client:${approved.request.clientId.slice(0, 200)}`,
      summary: `${person} connected ${clientName} as ${role} (${approved.request.scope.join(' ') || 'no scopes'})`,
      detail: {
        clientId: approved.request.clientId,
        clientName,
        role,
        scopes: approved.request.scope,
        redirectHost: new URL(approved.request.redirectUri).host,
      },
    });
    approved.headers.set('location', redirectTo);
    return new Response(null, { status: 302, headers: approved.headers });
  } catch (error) {
    return refusal(error);
  }
}
