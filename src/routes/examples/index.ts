// Response examples for /docs, per operation ("METHOD /path" as OpenAPI writes it) and status:
// what the service really answers, taken from the built-in K-Series sandbox (its Amsterdam
// location, the request examples of src/plugins/openapi-examples.ts), ids and times made stable.
// src/plugins/swagger.ts puts each on its response; test/api/docs-examples.test.ts checks that
// every /v1 and /admin answer has one, that each matches its documented schema, and that the
// request examples, replayed, answer with the same shape.
import { accountExamples } from './account.js';
import { catalogItemsExamples } from './catalog-items.js';
import { catalogExamples } from './catalog.js';
import { financialSalesExamples } from './financial-sales.js';
import { financialExamples } from './financial.js';
import { orderExamples } from './orders.js';

export type ResponseExamples = Readonly<Record<string, Readonly<Partial<Record<number, unknown>>>>>;

export const RESPONSE_EXAMPLES: ResponseExamples = {
  ...accountExamples,
  ...orderExamples,
  ...catalogExamples,
  ...catalogItemsExamples,
  ...financialExamples,
  ...financialSalesExamples,
};
