// The worker process (`npm run worker` runs its build, build/worker.js): processes event jobs and
// delayed task-run jobs, writes a heartbeat, sweeps for lost work, and on SIGTERM/SIGINT finishes
// in-flight jobs before exiting 0. If Redis cannot be reached at start it says so in one line.
import { loadConfigOrExit } from "~/config.server";
import { checkRedisOrExit } from "~/data/redis-check.server";
import prisma from "~/data/db.server";
import { closeSharedQueues, startWorker } from "~/services/runner/worker.server";

async function main(): Promise<void> {
  loadConfigOrExit();
  await checkRedisOrExit("worker");
  const worker = await startWorker();
  console.log(
    `[worker] pid ${process.pid} processing queues "events", "respond" and "runs" (prefix ${worker.prefix}, concurrency ${worker.concurrency})`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: finishing in-flight jobs`);
    try {
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
