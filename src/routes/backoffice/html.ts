// Server-rendered HTML for the back office: an escaping template tag and the page layout.
// Every interpolated value is escaped unless it is already SafeHtml.

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

type Part = SafeHtml | string | number | boolean | null | undefined | Part[];

function render(part: Part): string {
  if (Array.isArray(part)) return part.map(render).join('');
  if (part instanceof SafeHtml) return part.value;
  if (part === null || part === undefined || part === false) return '';
  return escapeHtml(part);
}

export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

export type Tab = 'settings' | 'status' | 'locations' | 'orders' | 'logs' | 'api-keys';

const TABS: { id: Tab; label: string }[] = [
  { id: 'settings', label: 'Settings' },
  { id: 'status', label: 'Status' },
  { id: 'locations', label: 'Locations' },
  { id: 'orders', label: 'Orders' },
  { id: 'logs', label: 'Logs' },
  { id: 'api-keys', label: 'API keys' },
];

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
header{background:#1d2330;color:#fff;padding:12px 24px;display:flex;justify-content:space-between;align-items:center}
header form{margin:0}
main{max-width:960px;margin:24px auto;padding:0 16px}
nav{display:flex;gap:4px;margin-bottom:16px}
nav a{padding:8px 16px;border-radius:6px 6px 0 0;background:#e3e6ec;color:#1d2330;text-decoration:none}
nav a[aria-current=page]{background:#fff;font-weight:600}
section{background:#fff;border-radius:8px;padding:20px 24px;margin-bottom:16px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h1{font-size:1.3rem;margin:0}h2{font-size:1.1rem;margin-top:0}
.flash{padding:12px 16px;border-radius:6px;margin-bottom:16px}
.flash.ok{background:#e4f6e8;border:1px solid #8fd19e}.flash.error{background:#fde8e8;border:1px solid #f1a3a3}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600}
.badge.CONNECTED{background:#e4f6e8;color:#17692d}.badge.DISCONNECTED{background:#fde8e8;color:#9b1c1c}.badge.NOT_CONNECTED{background:#eceff3;color:#4a5263}
dl{display:grid;grid-template-columns:200px 1fr;gap:6px 16px}dt{color:#5b6475}dd{margin:0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eceff3;vertical-align:top}
button{padding:8px 16px;border-radius:6px;border:1px solid #2b5fd9;background:#2b5fd9;color:#fff;cursor:pointer}
button.danger{background:#c62828;border-color:#c62828}button.secondary{background:#fff;color:#2b5fd9}
input,select,textarea{padding:7px;border:1px solid #c4cad6;border-radius:6px;font:inherit}
label{display:block;margin:8px 0 4px}.muted{color:#5b6475}.row{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.level-ERROR{color:#9b1c1c;font-weight:600}.level-WARN{color:#8a5a00;font-weight:600}
.badge.good{background:#e4f6e8;color:#17692d}.badge.bad{background:#c62828;color:#fff}.badge.warn{background:#fff1cc;color:#7a4d00}.badge.pending{background:#e6eefc;color:#23468f}.badge.muted{background:#eceff3;color:#4a5263}
tr.bad td{background:#fdf0f0}tr.warn td{background:#fffaeb}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.problem{border-left:6px solid #c62828;background:#fdf0f0}.problem.warn{border-left-color:#d99100;background:#fffaeb}
.secret{font-family:ui-monospace,Menlo,Consolas,monospace;background:#f0f2f6;padding:10px;border-radius:6px;word-break:break-all;display:block}
.pager{display:flex;gap:12px;margin-top:12px}.tl-bad{color:#9b1c1c;font-weight:600}.tl-good{color:#17692d}
`;

export function layout(options: {
  title: string;
  vendorName?: string;
  csrf?: string;
  active?: Tab;
  flash?: Flash | null;
  body: SafeHtml;
}): string {
  const signedIn = options.vendorName !== undefined;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${options.title} · Lightspeed integration</title><style>${new SafeHtml(STYLE)}</style></head>
<body>
<header><h1>Lightspeed K-Series integration${signedIn ? html` · ${options.vendorName}` : ''}</h1>
${signedIn ? html`<form method="post" action="/backoffice/sign-out"><input type="hidden" name="_csrf" value="${options.csrf}"><button class="secondary" type="submit">Sign out</button></form>` : ''}
</header>
<main>
${signedIn ? html`<nav>${TABS.map((t) => html`<a href="/backoffice/${t.id}"${t.id === options.active ? new SafeHtml(' aria-current="page"') : ''}>${t.label}</a>`)}</nav>` : ''}
${options.flash ? html`<div class="flash ${options.flash.kind}" role="${options.flash.kind === 'error' ? 'alert' : 'status'}">${options.flash.text}</div>` : ''}
${options.body}
</main></body></html>`.value;
}

export const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;

export function formatTime(date: Date | null): string {
  return date
    ? date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')
    : 'never';
}
