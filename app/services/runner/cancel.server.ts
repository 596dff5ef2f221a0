// Cancelling an event: what has not started yet never will. The event itself (still pending: no
// worker claimed it), its task runs waiting for their time or being rendered (rendering has no
// effects, and the render's store is conditional on the run still being "running", so a cancelled
// render stores nothing), and its action runs waiting to be performed (a claim is conditional on
// "pending"). An action already being performed cannot be taken back: it finishes and is recorded.
// The runner's checks are those conditional claims, plus fan-out re-reading a pending event whose
// claim failed (app/services/runner/fan-out-event.ts).
import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/data/db.server";
import type { ActionRunStatus, EventStatus, RunStatus, TaskRunStatus } from "~/domain/runs/status";
import { actionRunStatus, taskRunStatus } from "~/domain/runs/status";
import { CANCELLED_MESSAGE, rollUp } from "./roll-up";

export interface CancelReport {
  /** The event was pending (not started): it is cancelled as a whole. */
  event: boolean;
  taskRuns: number;
  actionRuns: number;
  /** Action runs being performed at the time (they finish; not undone). */
  inFlight: number;
}

const CANCELLABLE_TASK_RUNS = ["pending", "running"] satisfies TaskRunStatus[];
const CANCELLABLE_ACTION_RUNS = ["pending"] satisfies ActionRunStatus[];

/**
 * Each step is one conditional update, in the order that leaves no gap: the event, then its task
 * runs (a render finishing meanwhile either stored its action runs before, and the next step
 * cancels them, or finds its run cancelled and stores nothing), then its action runs. No
 * interactive transaction: on SQLite a read-then-write transaction fails outright when a worker
 * commits in between (SQLITE_BUSY_SNAPSHOT); every statement here is safe on its own.
 */
export async function cancelEvent(eventId: string, db: PrismaClient = defaultPrisma): Promise<CancelReport | null> {
  const now = new Date();
  const event = await db.event.findUnique({ where: { id: eventId }, select: { id: true, status: true } });
  if (!event) return null;
  const report: CancelReport = { event: false, taskRuns: 0, actionRuns: 0, inFlight: 0 };
  if (event.status === ("pending" satisfies EventStatus)) {
    const { count } = await db.event.updateMany({
      where: { id: eventId, status: "pending" satisfies EventStatus },
      data: { status: "cancelled" satisfies EventStatus, error: CANCELLED_MESSAGE, finishedAt: now },
    });
    report.event = count === 1;
  }
  const cancelled = "cancelled" satisfies RunStatus;
  report.taskRuns = (
    await db.taskRun.updateMany({
      where: { eventId, status: { in: CANCELLABLE_TASK_RUNS } },
      data: { status: cancelled, finishedAt: now },
    })
  ).count;
  report.actionRuns = (
    await db.actionRun.updateMany({
      where: { taskRun: { eventId }, status: { in: CANCELLABLE_ACTION_RUNS } },
      data: { status: cancelled, error: "cancelled by the merchant", finishedAt: now, nextAttemptAt: null },
    })
  ).count;
  if (!report.event && report.taskRuns + report.actionRuns > 0) {
    // A started event: its status follows from its runs now (running while an action is in flight).
    const runs = await db.taskRun.findMany({
      where: { eventId },
      select: { status: true, actionRuns: { select: { status: true } } },
    });
    const statuses = runs.map((r) => ({
      taskRun: taskRunStatus(r.status),
      actionRuns: r.actionRuns.map((a) => actionRunStatus(a.status)),
    }));
    report.inFlight = statuses.reduce((n, r) => n + r.actionRuns.filter((s) => s === "running").length, 0);
    const rolled = rollUp(statuses);
    if (rolled.status !== "running")
      await db.event.update({
        where: { id: eventId },
        data: { status: rolled.status, error: rolled.error, finishedAt: now },
      });
  }
  return report;
}
