// The runner benchmark's baseline: a BullMQ worker whose jobs do nothing, on the same Redis, queue
// prefix and concurrency as the worker it is compared with. Started by bench/runner.ts.
import { Worker } from "bullmq";
import { Redis } from "ioredis";

const connection = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
const worker = new Worker("noop", async () => {}, {
  connection,
  prefix: process.env.HOOKLINE_QUEUE_PREFIX,
  concurrency: Number(process.env.WORKER_CONCURRENCY || 1),
});
await worker.waitUntilReady();
console.log("processing queues");
process.on("SIGTERM", () => void worker.close().then(() => process.exit(0)));
