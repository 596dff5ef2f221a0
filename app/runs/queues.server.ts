// The "runs" queue: delayed looks at a task run (an offset subscription, a retry, a throttled shop).
// Events have their own queue ("events", app/queue.server.ts). Job ids are deterministic per
// (task run, due time), so scheduling the same look twice is harmless.
import { Queue } from "bullmq";
import { createRedis } from "~/queue.server";
import { queuePrefix } from "~/config.server";

export const RUNS_QUEUE = "runs";
export const TASK_RUN_JOB = "task-run";

let runsQueue: Queue | undefined;

export function getRunsQueue(): Queue {
  if (!runsQueue) {
    const connection = createRedis({ maxRetriesPerRequest: 1, enableOfflineQueue: false });
    connection.on("error", () => {}); // reported by the calls that fail
    runsQueue = new Queue(RUNS_QUEUE, { connection, prefix: queuePrefix() });
    runsQueue.on("error", () => {});
  }
  return runsQueue;
}

export async function closeRunsQueue(): Promise<void> {
  if (runsQueue) {
    const q = runsQueue;
    runsQueue = undefined;
    await q.close();
    await q.disconnect();
  }
}

export function taskRunJobId(taskRunId: string, at: Date): string {
  return `tr_${taskRunId}_${at.getTime()}`;
}

/** Asks a worker to look at the task run at `at` (now, if `at` is past). */
export async function scheduleTaskRun(taskRunId: string, at: Date, queue: Queue = getRunsQueue()): Promise<void> {
  await queue.add(
    TASK_RUN_JOB,
    { taskRunId },
    {
      jobId: taskRunJobId(taskRunId, at),
      delay: Math.max(0, at.getTime() - Date.now()),
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
      attempts: 3,
      backoff: { type: "exponential", delay: 1000 },
    },
  );
}
