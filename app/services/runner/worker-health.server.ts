// A worker process's health, for an orchestrator's probe and `hookline doctor`: served as
// `GET /health` on WORKER_HEALTH_PORT when it is set (workers/index.ts). 200 when the worker can do
// its job: its own heartbeat was written lately (so Redis takes its writes and its event loop is
// not stuck), Redis answers and the database answers; 503 otherwise, with the reason.
import { createServer, type Server } from "node:http";
import { HEARTBEAT_TTL_SECONDS } from "~/data/heartbeat.server";

export interface WorkerHealth {
  ok: boolean;
  pid: number;
  prefix: string;
  concurrency: number;
  /** When this process last wrote its heartbeat, and how long ago. */
  heartbeat: { at: string; ageMs: number } | null;
  redis: "ok" | "unreachable";
  database: "ok" | "unreachable";
  problems: string[];
}

export interface WorkerHealthProbe {
  pid: number;
  prefix: string;
  concurrency: number;
  /** Epoch ms of the last heartbeat this process wrote successfully, or null. */
  lastHeartbeatAt(): number | null;
  redisAnswers(): Promise<boolean>;
  databaseAnswers(): Promise<boolean>;
}

const PROBE_TIMEOUT_MS = 1000;

function within(promise: Promise<boolean>, ms = PROBE_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.catch(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function readWorkerHealth(probe: WorkerHealthProbe, now = Date.now()): Promise<WorkerHealth> {
  const [redis, database] = await Promise.all([within(probe.redisAnswers()), within(probe.databaseAnswers())]);
  const beatAt = probe.lastHeartbeatAt();
  const ageMs = beatAt === null ? null : Math.max(0, now - beatAt);
  const problems: string[] = [];
  if (ageMs === null) problems.push("no heartbeat written yet");
  else if (ageMs > HEARTBEAT_TTL_SECONDS * 1000)
    problems.push(`last heartbeat ${Math.round(ageMs / 1000)} s ago (over ${HEARTBEAT_TTL_SECONDS} s)`);
  if (!redis) problems.push("Redis does not answer");
  if (!database) problems.push("the database does not answer");
  return {
    ok: problems.length === 0,
    pid: probe.pid,
    prefix: probe.prefix,
    concurrency: probe.concurrency,
    heartbeat: beatAt === null ? null : { at: new Date(beatAt).toISOString(), ageMs: ageMs! },
    redis: redis ? "ok" : "unreachable",
    database: database ? "ok" : "unreachable",
    problems,
  };
}

/** Serves GET /health (and HEAD) on port/host; everything else is 404. Resolves once listening. */
export function startWorkerHealthServer(probe: WorkerHealthProbe, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/health" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("Not Found: this worker serves GET /health only\n");
      return;
    }
    readWorkerHealth(probe).then(
      (health) => {
        const body = JSON.stringify(health);
        res.writeHead(health.ok ? 200 : 503, {
          "Content-Type": "application/json",
          "Cache-Control": "no-store",
          "Content-Length": Buffer.byteLength(body),
        });
        res.end(req.method === "HEAD" ? undefined : body);
      },
      () => {
        res.writeHead(500);
        res.end();
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
