// The BullMQ dashboard (bull-board) at /admin/queues, for operators: every queue of
// src/queues/definitions.ts with its jobs, their data (ids only), errors and retries.
// Behind ADMIN_TOKEN, given either as `Authorization: Bearer <ADMIN_TOKEN>` (scripts) or as the
// password of HTTP Basic (a person: the browser asks; any user name). QUEUE_DASHBOARD_READ_ONLY
// hides the buttons that change queues (retry, promote, clean, remove, pause, obliterate).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { typedQueues } from '../jobs/queue-metrics.js';
import { safeEqual } from '../lib/timing-safe.js';
import { parseBasic } from '../webhooks/credentials.js';
import { sendError } from './error-handler.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/** Bearer ADMIN_TOKEN, or Basic with ADMIN_TOKEN as the password. */
export function dashboardAuthorized(authorization: string | undefined, adminToken: string): boolean {
  if (!authorization) return false;
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (bearer !== undefined) return safeEqual(bearer, adminToken);
  const basic = parseBasic(authorization);
  return basic !== null && safeEqual(basic.password, adminToken);
}

const queueDashboard: FastifyPluginAsync = async (app) => {
  const { config } = app;
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: typedQueues(app.queues).map(
      (q) => new BullMQAdapter(q.queue, { readOnlyMode: config.QUEUE_DASHBOARD_READ_ONLY }),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'K-Series integration queues' } },
  });
  // Never a stack trace in an answer.
  serverAdapter.setErrorHandler((error) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 400 && status < 500)
      return { status: 400, body: { error: { code: 'BAD_REQUEST', message: error.message } } };
    app.log.error({ err: error }, 'queue dashboard request failed');
    return { status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } } };
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (dashboardAuthorized(request.headers.authorization, config.ADMIN_TOKEN)) return;
    reply.header('www-authenticate', 'Basic realm="queue dashboard", charset="UTF-8"');
    return sendError(
      reply,
      request,
      401,
      'UNAUTHORIZED',
      'The queue dashboard needs the admin token (Bearer, or as the Basic password)',
    );
  });

  await app.register(serverAdapter.registerPlugin());
};

export default queueDashboard;
