// The worker process (`npm run worker` runs its build, build/worker.js): processes event jobs and
// delayed task-run jobs, writes a heartbeat, sweeps for lost work, and on SIGTERM/SIGINT finishes
// in-flight jobs before exiting 0. If Redis cannot be reached at start it says so in one line. With
// WORKER_HEALTH_PORT set it serves GET /health there (app/services/runner/worker-health.server.ts).
import type { Server } from "node:http";
import { loadConfigOrExit } from "~/config.server";
import { checkRedisOrExit } from "~/data/redis-check.server";
import prisma from "~/data/db.server";
import { closeSharedQueues, startWorker } from "~/services/runner/worker.server";
import { startWorkerHealthServer } from "~/services/runner/worker-health.server";
import { SUBSCRIPTION_SYNC_INTERVAL_MS } from "~/services/shopify/webhook-subscriptions.server";

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  await checkRedisOrExit("worker");
  const healthPort = config.worker.healthPort;
  const worker = await startWorker({ healthPort, subscriptionSyncIntervalMs: SUBSCRIPTION_SYNC_INTERVAL_MS });
  let healthServer: Server | undefined;
  // Every interface in production (an orchestrator probes it from outside), else loopback only.
  const healthHost = config.isProduction ? "0.0.0.0" : "127.0.0.1";
  if (healthPort !== null) {
    try {
      healthServer = await startWorkerHealthServer(worker.healthProbe, healthPort, healthHost);
    } catch (error) {
      console.error(`[worker] cannot serve /health on port ${healthPort}: ${(error as Error).message}`);
      await worker.close();
      process.exit(1);
    }
    console.log(`[worker] health at http://${healthHost}:${healthPort}/health`);
  }
  console.log(
    `[worker] pid ${process.pid} processing queues "events", "respond" and "runs" (prefix ${worker.prefix}, concurrency ${worker.concurrency})`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: finishing in-flight jobs`);
    try {
      healthServer?.close();
      await worker.close();
      await closeSharedQueues();
      await prisma.$disconnect();
      console.log("[worker] stopped");
      process.exit(0);
    } catch (error) {
      console.error(`[worker] shutdown: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(`[worker] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
