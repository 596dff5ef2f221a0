// An open-loop load generator: sends requests at a steady rate (one every 1000/rate ms, like wrk2)
// and measures each latency from the moment the request was *due*, not from when it was sent, so
// a stalled server is charged for every request that waited behind the stall.
//
// Why not autocannon's `overallRate`: it lets every connection send its whole per-second budget
// back to back at the start of each second and then idle, so "1,000 req/s" becomes a burst at the
// server's full speed once a second, and the tail it reports is the burst's queue, not the rate's.
import http from "node:http";
import { percentile } from "./stats";

export interface ConstantRateResult {
  /** Requests answered per second over the run. */
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

export async function constantRate(options: {
  url: string;
  body: string;
  /** Fixed headers, or headers per request (its index), e.g. a fresh idempotency key each. */
  headers: Record<string, string> | ((n: number) => Record<string, string>);
  rate: number;
  durationSeconds: number;
  /** Keep-alive sockets the generator may open; a request waits for a free one (and that wait counts). */
  maxSockets?: number;
}): Promise<ConstantRateResult> {
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  const body = Buffer.from(options.body);
  const headersFor = (n: number) => ({
    ...(typeof options.headers === "function" ? options.headers(n) : options.headers),
    "content-length": String(body.length),
  });
  const intervalMs = 1000 / options.rate;
  const planned = Math.round(options.rate * options.durationSeconds);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  let settled = 0;

  const start = performance.now();
  await new Promise<void>((resolve) => {
    const finish = () => {
      if (++settled === planned) resolve();
    };
    const send = (dueAt: number, n: number) => {
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: "POST",
          headers: headersFor(n),
        },
        (response) => {
          response.resume();
          response.on("end", () => {
            latencies.push(performance.now() - dueAt);
            if (response.statusCode! < 200 || response.statusCode! >= 300) non2xx++;
            finish();
          });
        },
      );
      request.on("error", () => {
        errors++;
        finish();
      });
      request.end(body);
    };
    // Each tick sends every request that has come due since the last one (timers are ~1 ms coarse).
    const tick = () => {
      const now = performance.now();
      while (sent < planned && start + sent * intervalMs <= now) {
        send(start + sent * intervalMs, sent);
        sent++;
      }
      if (sent < planned) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    tick();
  });
  const elapsedSeconds = (performance.now() - start) / 1000;
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    rps: latencies.length / elapsedSeconds,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    non2xx,
    errors,
    total: planned,
  };
}
