// The benchmark's baseline: a bare node:http server doing the same durable work per request as
// ingress (read the body, one event insert into the same database through the same SQL driver,
// with a time-ordered id as the app's, and one BullMQ add), with none of the app around it.
// Started by bench/ingress.ts.
import { createServer } from "node:http";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { createSqlDriver } from "../../app/data/sql.server";
import { timeOrderedUuid } from "../../app/domain/ids";

const port = Number(process.env.PORT);
const sql = createSqlDriver();
const connection = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
const queue = new Queue("baseline-events", { connection, prefix: process.env.HOOKLINE_QUEUE_PREFIX });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", async () => {
    try {
      const body = Buffer.concat(chunks);
      const id = timeOrderedUuid(); // the same id scheme as the app's events
      await sql.run(
        `INSERT INTO "Event" ("id", "shop", "topic", "data", "source", "status", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [id, "bench.myshopify.com", "user/bench/baseline", body.toString("utf8"), "user", "pending", new Date()],
      );
      await queue.add("event", { eventId: id }, { jobId: id, removeOnComplete: true, removeOnFail: 1000 });
      res.writeHead(204).end();
    } catch (error) {
      console.error(error);
      res.writeHead(503).end();
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => console.log(`baseline listening on ${port}`));

function shutdown() {
  server.close();
  Promise.allSettled([queue.close(), sql.close()]).finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 3_000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
