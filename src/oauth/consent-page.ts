import type { ConsentDescription } from '@cloudflare/workers-oauth-provider';
import { SCOPES, WRITE_SCOPE } from './server';

/** The roles a connection may act as: the person chooses, and the connection is then treated as that client's key. */
export const CONNECTION_ROLES = ['gpt', 'cursor', 'human'] as const;
export type ConnectionRole = (typeof CONNECTION_ROLES)[number];

const ROLE_TEXT: Record<ConnectionRole, string> = {
  gpt: 'Assistant (gpt): reads and proposes changes; can never approve or deploy to main. The GPT’s view: secrets and code bodies withheld.',
  cursor: 'Editor (cursor): what the Cursor key may do: read, sync sessions, propose.',
  human: 'Me (human): acts as you, including approving what someone else proposed.',
};

const SCOPE_TEXT: Record<string, string> = {
  'hezlep:read': 'Read the project: context, GitHub, search, intents, status, audit.',
  [WRITE_SCOPE]:
    'Make changes the role allows: write the context, sync sessions, propose (and, as human, approve) intents.',
};

export interface ConsentPageInput {
  details: ConsentDescription;
  /** The client id: for a metadata-document client, the URL of its document. */
  clientId: string;
  handle: string;
  /** The person already identified (Cloudflare Access); otherwise the page asks for the human key. */
  person?: string;
  /** A refusal to show above the form (wrong key, no role chosen…). */
  error?: string;
  role?: ConnectionRole;
}

/** Everything a client registered (its name, the scopes) is attacker-chosen: escaped before it reaches the page. */
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const STYLE = `
body{margin:0;background:#f1f5f9;color:#0f172a;font:14px/1.5 ui-sans-serif,system-ui,sans-serif;-webkit-font-smoothing:antialiased}
main{max-width:34rem;margin:0 auto;padding:3rem 1rem}
form{background:#fff;border:1px solid #e2e8f0;border-radius:.75rem;box-shadow:0 1px 2px rgb(0 0 0/.05);padding:1.5rem}
h1{font-size:1.25rem;font-weight:600;margin:0 0 .25rem}
p{margin:.5rem 0;color:#334155}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem;margin:1rem 0;font-size:13px}
dt{color:#64748b}dd{margin:0;word-break:break-all;font-family:ui-monospace,monospace}
fieldset{border:1px solid #e2e8f0;border-radius:.5rem;margin:1rem 0;padding:.5rem .75rem}
legend{font-weight:500;padding:0 .25rem}
label{display:block;margin:.35rem 0;color:#1e293b}
input[type=password]{width:100%;box-sizing:border-box;border:1px solid #cbd5e1;border-radius:.375rem;padding:.5rem .75rem;font-family:ui-monospace,monospace}
.note{background:#fffbeb;color:#451a03;border-radius:.375rem;padding:.5rem .75rem}
.error{background:#fef2f2;color:#991b1b;border-radius:.375rem;padding:.5rem .75rem}
.buttons{display:flex;gap:.5rem;margin-top:1rem}
button{border:0;border-radius:.375rem;padding:.4rem .9rem;font:inherit;font-weight:500;cursor:pointer}
button[value=approve]{background:#0f172a;color:#fff}button[value=approve]:hover{background:#334155}
button[value=deny]{background:#fff;color:#991b1b;box-shadow:inset 0 0 0 1px #fca5a5}
button:focus-visible,input:focus-visible{outline:2px solid #0284c7;outline-offset:2px}`;

/** The sign-in and consent page: who asks (name, where the tokens go, its metadata URL), as whom, with what scopes. */
export function consentPage(input: ConsentPageInput): string {
  const { details } = input;
  const name = escapeHtml(details.clientName || 'An unnamed app');
  const origin = details.clientDomain
    ? `Published by <strong>${escapeHtml(details.clientDomain)}</strong> (its metadata document below).`
    : 'This app registered itself: its name is not verified.';
  const metadataUrl = /^https:\/\//.test(input.clientId) ? input.clientId : undefined;
  const chosen = input.role ?? 'gpt';
  const roles = CONNECTION_ROLES.map(
    (role) =>
      `<label><input type="radio" name="role" value="${role}"${role === chosen ? ' checked' : ''}> ${escapeHtml(ROLE_TEXT[role])}</label>`,
  ).join('');
  const offered = [...new Set([...SCOPES, ...details.scope.filter((s) => s !== 'offline_access')])];
  const scopes = offered
    .filter((scope) => (SCOPES as readonly string[]).includes(scope))
    .map(
      (scope) =>
        `<label><input type="checkbox" name="scope" value="${escapeHtml(scope)}"${details.scope.length === 0 || details.scope.includes(scope) ? ' checked' : ''}> <code>${escapeHtml(scope)}</code>: ${escapeHtml(SCOPE_TEXT[scope] ?? '')}</label>`,
    )
    .join('');
  const who = input.person
    ? `<p>Signed in as <strong>${escapeHtml(input.person)}</strong> (Cloudflare Access).</p>`
    : `<label for="key">Your human API key (it identifies you; it is not given to the app)</label>
<input id="key" name="key" type="password" autocomplete="off" required>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light"><title>Connect ${name} · Hezlep Ops</title><style>${STYLE}</style></head>
<body><main><form method="post" action="/oauth/authorize">
<h1>Connect ${name} to Hezlep Ops?</h1>
<p>${origin} Access goes to <strong>${escapeHtml(details.redirectHost)}</strong>.</p>
${details.redirectIsLoopback ? '<p class="note">This sends access to an app on your computer. Continue only if you just started connecting from it.</p>' : ''}
<dl><dt>App</dt><dd>${name}</dd><dt>Redirect host</dt><dd>${escapeHtml(details.redirectHost)}</dd>
${metadataUrl ? `<dt>Metadata URL</dt><dd>${escapeHtml(metadataUrl)}</dd>` : `<dt>Client id</dt><dd>${escapeHtml(input.clientId)}</dd>`}</dl>
${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
<input type="hidden" name="handle" value="${escapeHtml(input.handle)}">
${who}
<fieldset><legend>Act as</legend>${roles}</fieldset>
<fieldset><legend>Allow</legend>${scopes}</fieldset>
<p>Every call is audited under your name and this app's. You can revoke the connection on the dashboard at any time.</p>
<div class="buttons"><button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button></div>
</form></main></body></html>`;
}
