// An order with its event history, as the order API returns it.
import type { Prisma } from '../../generated/prisma/client.js';

export type OrderWithEvents = Prisma.OrderGetPayload<{ include: { events: true } }>;
