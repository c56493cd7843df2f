// The Lightspeed OpenAPI files beside the repository, for contract tests and example payloads.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export const OPENAPI_DIR = path.resolve(import.meta.dirname, '../../spec/kseries/openapi');
export const SEEDS_DIR = path.resolve(import.meta.dirname, '../../spec/kseries/seeds');

export function loadOpenApi(file: string): Record<string, any> {
  return YAML.parse(readFileSync(path.join(OPENAPI_DIR, file), 'utf8')) as Record<string, any>;
}

/** Every example body of the order-and-pay `webhooks` block, by webhook name and example name. */
export function webhookExamples(): { webhook: string; name: string; value: Record<string, unknown> }[] {
  const spec = loadOpenApi('lightspeed-order-and-pay-api-openapi.yml');
  const out: { webhook: string; name: string; value: Record<string, unknown> }[] = [];
  for (const [webhook, def] of Object.entries<any>(spec.webhooks ?? {})) {
    const examples = def.post?.requestBody?.content?.['application/json']?.examples ?? {};
    for (const [name, example] of Object.entries<any>(examples)) out.push({ webhook, name, value: example.value });
  }
  return out;
}

/** The reservations platform's sample order notification (seeds/). */
export function reservationSample(): Record<string, unknown> {
  const text = readFileSync(path.join(SEEDS_DIR, 'kseries-reservations-order-webhook-sample.txt'), 'utf8');
  const start = text.indexOf('{\n  "notificationType"');
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return JSON.parse(text.slice(start, i + 1)) as Record<string, unknown>;
  }
  throw new Error('reservation sample not found');
}
