// How a tick's event jobs are shaped (app/data/queues.server.ts, decision 0121), without Redis.
import { describe, expect, it } from "vitest";
import {
  EVENT_JOB,
  EVENTS_JOB,
  EVENTS_JOB_ID_PREFIX,
  EVENTS_PER_JOB,
  EVENTS_QUEUE,
  RESPOND_QUEUE,
  eventIdsOfJob,
  eventJobsFor,
} from "~/data/queues.server";

const NOW = 1_800_000_000_000;
const due = (n: number) => Array.from({ length: n }, (_, i) => ({ eventId: `e${i}`, runAt: null }));

describe("eventJobsFor", () => {
  it("puts a tick's due events in shared jobs of at most EVENTS_PER_JOB, in order, named after the first", () => {
    const adds = due(EVENTS_PER_JOB * 2 + 3);
    const jobs = eventJobsFor(EVENTS_QUEUE, adds, NOW);
    expect(jobs.map((j) => j.name)).toEqual([EVENTS_JOB, EVENTS_JOB, EVENTS_JOB]);
    expect(jobs.map((j) => j.data)).toEqual([
      { eventIds: adds.slice(0, EVENTS_PER_JOB).map((a) => a.eventId) },
      { eventIds: adds.slice(EVENTS_PER_JOB, EVENTS_PER_JOB * 2).map((a) => a.eventId) },
      { eventIds: adds.slice(EVENTS_PER_JOB * 2).map((a) => a.eventId) },
    ]);
    expect(jobs.map((j) => j.opts.jobId)).toEqual([
      `${EVENTS_JOB_ID_PREFIX}e0`,
      `${EVENTS_JOB_ID_PREFIX}e${EVENTS_PER_JOB}`,
      `${EVENTS_JOB_ID_PREFIX}e${EVENTS_PER_JOB * 2}`,
    ]);
    expect(jobs[0]!.opts).toMatchObject({ attempts: 3, removeOnComplete: true, removeOnFail: 1000 });
    expect(jobs[0]!.opts.delay).toBeUndefined();
  });

  it("gives a lone event, a delayed one and one asked for again a job of its own, under its id", () => {
    const later = new Date(NOW + 60_000);
    const jobs = eventJobsFor(
      EVENTS_QUEUE,
      [
        { eventId: "delayed", runAt: later },
        { eventId: "a", runAt: null },
        { eventId: "again", runAt: null, ownJob: true },
        { eventId: "b", runAt: new Date(NOW - 1_000) }, // due already: shares
      ],
      NOW,
    );
    expect(jobs.map((j) => [j.name, j.opts.jobId, j.data])).toEqual([
      [EVENT_JOB, "delayed", { eventId: "delayed" }],
      [EVENT_JOB, "again", { eventId: "again" }],
      [EVENTS_JOB, `${EVENTS_JOB_ID_PREFIX}a`, { eventIds: ["a", "b"] }],
    ]);
    expect(jobs[0]!.opts.delay).toBe(60_000);
    expect(eventJobsFor(EVENTS_QUEUE, due(1), NOW).map((j) => [j.name, j.opts.jobId])).toEqual([[EVENT_JOB, "e0"]]);
  });

  it("never shares on the respond queue: a caller waits for each event", () => {
    const jobs = eventJobsFor(RESPOND_QUEUE, due(3), NOW);
    expect(jobs.map((j) => [j.name, j.opts.jobId, j.data])).toEqual([
      [EVENT_JOB, "e0", { eventId: "e0" }],
      [EVENT_JOB, "e1", { eventId: "e1" }],
      [EVENT_JOB, "e2", { eventId: "e2" }],
    ]);
  });
});

describe("eventIdsOfJob", () => {
  it("reads one event's job and a shared job", () => {
    expect(eventIdsOfJob({ eventId: "x" })).toEqual(["x"]);
    expect(eventIdsOfJob({ eventIds: ["x", "y"] })).toEqual(["x", "y"]);
  });

  it("refuses anything else, so the job fails and the sweep takes its events over", () => {
    for (const data of [
      null,
      undefined,
      "x",
      {},
      { eventId: 0 },
      { eventIds: [] },
      { eventIds: ["x", 1] },
      { eventIds: "x" },
      { eventIds: Array.from({ length: EVENTS_PER_JOB + 1 }, (_, i) => `e${i}`) },
    ])
      expect(eventIdsOfJob(data)).toBeNull();
  });
});
