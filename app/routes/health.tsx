// Health for load balancers and people. The status code answers "can this web process take
// webhooks?": 200 when it can store events (the database answers), 503 when it cannot. Redis is
// reported but does not fail the check: ingress stores events without it, and the worker's sweep
// queues them once Redis is back (docs/decisions/0033).
import prisma from "~/data/db.server";
import { redisAnswers } from "~/data/redis-health.server";

export const loader = async () => {
  const [database, redis] = await Promise.all([
    prisma.$queryRawUnsafe("SELECT 1").then(
      () => true,
      () => false,
    ),
    redisAnswers(),
  ]);
  const body = {
    ok: database,
    database: database ? "ok" : "unreachable",
    redis: redis ? "ok" : "unreachable",
    ...(database && !redis ? { note: "webhooks are stored; tasks run once Redis is back" } : {}),
    ...(!database ? { error: "database unreachable" } : {}),
  };
  return Response.json(body, { status: database ? 200 : 503, headers: { "Cache-Control": "no-store" } });
};
