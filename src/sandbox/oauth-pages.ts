// HTML for the authorize step: the sign-in + consent page and the error page. One form, posting
// back to /oauth/authorize, with the original parameters in hidden fields and two submit buttons
// named `decision` (approve / deny) so a browser, Playwright or a fetch-based script can drive it.
import { escapeHtml } from './util.js';

export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  'orders-api':
    'Read business information, floors, menus, discounts and production instructions. Read and write orders and payments. Read rich items.',
  'financial-api': 'Read financial data.',
  items: 'Read and write items.',
  'reservations-api': 'Read and write webhooks, update reservation statuses, configure reservation integrations.',
  propertymanagement: 'Read and write Property Management System configurations.',
  'staff-api': 'Read shift information, read and write user information.',
};

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f4f5f7;color:#1d2430;margin:0}
main{max-width:480px;margin:48px auto;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12);padding:32px}
h1{font-size:1.3rem;margin:0 0 4px}p.sub{color:#5b6472;margin:0 0 24px}
label{display:block;font-weight:600;margin:12px 0 4px}input[type=text],input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:8px;border:1px solid #c5cad3;border-radius:4px}
ul{padding-left:18px}li{margin:6px 0}code{background:#eef0f3;padding:1px 4px;border-radius:3px}
.actions{display:flex;gap:12px;margin-top:24px}button{flex:1;padding:10px;border-radius:4px;border:1px solid #c5cad3;font-size:1rem;cursor:pointer}
button[value=approve]{background:#e4002b;border-color:#e4002b;color:#fff}.error{background:#fdecee;color:#a0001c;padding:10px;border-radius:4px}
.badge{display:inline-block;font-size:.75rem;background:#fff3cd;color:#7a5d00;padding:2px 6px;border-radius:3px;margin-bottom:12px}`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><span class="badge">Lightspeed K-Series sandbox</span>
${body}
</main></body></html>`;
}

export interface ConsentPageInput {
  clientName: string;
  params: Record<string, string>;
  scopes: string[];
  username: string;
  password: string;
  error?: string;
}

/** The original authorize parameters carried through the form. */
export const CARRIED_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const;

export function consentPage(input: ConsentPageInput): string {
  const hidden = CARRIED_PARAMS.filter((name) => input.params[name] !== undefined)
    .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(input.params[name] ?? '')}">`)
    .join('\n');
  const scopes = input.scopes
    .map(
      (s) => `<li><code>${escapeHtml(s)}</code> — ${escapeHtml(SCOPE_DESCRIPTIONS[s] ?? 'Access to this API.')}</li>`,
    )
    .join('\n');
  return layout(
    'Sign in to Lightspeed Restaurant',
    `<h1>Sign in to Lightspeed Restaurant</h1>
<p class="sub"><strong>${escapeHtml(input.clientName)}</strong> would like to access your business.</p>
${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
<form method="post" action="/oauth/authorize" id="consent">
${hidden}
<label for="username">Email</label>
<input type="email" id="username" name="username" value="${escapeHtml(input.username)}" autocomplete="username">
<label for="password">Password</label>
<input type="password" id="password" name="password" value="${escapeHtml(input.password)}" autocomplete="current-password">
<h2 style="font-size:1rem;margin-top:24px">This application is requesting:</h2>
<ul id="scopes">
${scopes}
</ul>
<div class="actions">
<button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="approve">Approve</button>
</div>
</form>`,
  );
}

export function errorPage(message: string): string {
  return layout(
    'Authorization error',
    `<h1>We couldn't start the authorization</h1>
<p class="error" role="alert" id="error">${escapeHtml(message)}</p>
<p class="sub">Check the client id, the redirect URI registered for it, and the request parameters.</p>`,
  );
}
