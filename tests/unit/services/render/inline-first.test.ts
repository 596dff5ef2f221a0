// The runner's renders in place when small, else in a render thread (docs/decisions/0106): the
// same outcome either way, scripts that reach the in-place limits or look something up go to a
// thread (and stay there a while after repeated strikes), big inputs never render in place.
import { afterAll, describe, expect, it } from "vitest";
import { parseJson, stringifyJson } from "~/domain/json";
import { INLINE_RENDER } from "~/domain/tasks/inline-render";
import { renderTask, type RenderInput, type RenderResult } from "~/domain/tasks/render";
import { TASK_TEMPLATES } from "~/domain/tasks/templates";
import { InlineFirstRenderer, REMEMBER_MS, STRIKE_FADE, STRIKES } from "~/services/render/inline-first";
import { RenderPool } from "~/services/render/pool.server";

const pool = new RenderPool({ size: 1 });
afterAll(() => pool.close());

/** A renderer whose in-place renders (the real renderTask) are counted. */
function renderer(now: () => number = Date.now) {
  const inPlace = { calls: 0 };
  const instance = new InlineFirstRenderer(
    (input) => pool.render(input),
    (input) => {
      inPlace.calls += 1;
      return renderTask(input);
    },
    now,
  );
  return { instance, inPlace };
}

let version = 0;
const input = (script: string, dataJson = '{"a": 1}', extra: Partial<RenderInput> = {}): RenderInput => ({
  script,
  options: {},
  event: {
    id: "e1",
    topic: "user/a/b",
    data: null,
    dataJson,
    created_at: "2030-01-01T00:00:00.000Z",
    source: "user",
    parent: null,
  },
  shop: { name: "s", domain: "s", myshopify_domain: "s", email: "", currency: "EUR", timezone: "UTC" },
  task: { id: "t1", name: "T" },
  templateCacheKey: `t1:${++version}`,
  ...extra,
});

const withoutDuration = (result: RenderResult) => ({ ...result, durationMs: 0 });

// About 150 ms of nodes: past the in-place time limit (50 ms), well within a task's own (2 s).
const SLOW = "{% for i in (1..150000) %}{% assign x = i %}{% endfor %}{% action 'echo', done: true %}";
// Never finishes within any render time limit (10^8 nodes), within every memory limit.
const ENDLESS = "{% for i in (1..10000) %}{% for j in (1..10000) %}{% assign x = j %}{% endfor %}{% endfor %}";

describe("InlineFirstRenderer", () => {
  it("renders a small script in place, with the outcome a render thread gives", async () => {
    const { instance } = renderer();
    const script = '{% action "echo", id: event.data.id, price: event.data.price %}{% log "hi" %}';
    const given = input(script, '{"id": 820982911946154508, "price": 10.0}');
    const inPlace = await instance.render(given);
    expect(instance.counts).toEqual({ inline: 1, thread: 0 });
    expect(withoutDuration(inPlace)).toEqual(withoutDuration(await pool.render(given)));
    expect((inPlace.actions[0]!.options as Record<string, unknown>).id).toBe(820982911946154508n);
  });

  it("gives every shipped template the same outcome in place as in a thread", async () => {
    const data = '{"customer_id": 1234567890, "value": {"plan": "gold"}, "email": "a@example.com", "quote": 12.5}';
    for (const template of TASK_TEMPLATES) {
      const given = input(template.draft.script, data, {
        options: parseJson(stringifyJson(template.draft.options ?? {})) as Record<string, unknown>,
      });
      const { instance } = renderer();
      const inPlace = await instance.render(given);
      expect(instance.counts, template.id).toEqual({ inline: 1, thread: 0 });
      expect(withoutDuration(inPlace), template.id).toEqual(withoutDuration(await pool.render(given)));
    }
  });

  it("renders a script past the in-place time limit again in a thread, with the task's own limits", async () => {
    const { instance, inPlace } = renderer();
    const given = input(SLOW);
    const result = await instance.render(given);
    expect(result.errors).toEqual([]);
    expect(result.actions).toEqual([{ type: "echo", options: { done: true }, meta: null, performEvent: true }]);
    expect(result.durationMs).toBeGreaterThan(INLINE_RENDER.renderLimitMs);
    expect(inPlace.calls).toBe(1);
    expect(instance.counts).toEqual({ inline: 0, thread: 1 });
  });

  it("sends a task version straight to a thread after repeated strikes, and tries in place again later", async () => {
    let clock = 1_000_000;
    const { instance, inPlace } = renderer(() => clock);
    // A loop that never ends in time, under a task limit just above the in-place one (quick to test).
    const given = input(ENDLESS, undefined, { limits: { renderLimitMs: INLINE_RENDER.renderLimitMs + 10 } });
    for (let i = 0; i < STRIKES; i++) await instance.render(given);
    expect(inPlace.calls).toBe(STRIKES);
    expect(instance.isThreadOnly(given.templateCacheKey!)).toBe(true);
    const straight = await instance.render(given);
    expect(straight.errors).toEqual([expect.stringMatching(/^Liquid render time limit exceeded \(60 ms\)/)]);
    expect(inPlace.calls).toBe(STRIKES); // not tried in place again
    // Another version of the task (another key) is tried in place as usual.
    await instance.render(input("{% action 'echo', small: true %}"));
    expect(inPlace.calls).toBe(STRIKES + 1);
    clock += REMEMBER_MS + 1;
    expect(instance.isThreadOnly(given.templateCacheKey!)).toBe(false);
    await instance.render(given);
    expect(inPlace.calls).toBe(STRIKES + 2);
  });

  it("lets renders within the limits wear strikes away, so rare trips never add up", async () => {
    const { instance } = renderer();
    // A script that is slow only for some events (a loop that never ends in time when the data asks
    // for one). Its own time limit, just above the in-place one, stops it in the thread too.
    const script = `{% if event.data.slow %}${ENDLESS}{% endif %}{% action 'echo', ok: true %}`;
    const key = input(script).templateCacheKey;
    const limits = { renderLimitMs: INLINE_RENDER.renderLimitMs + 10 };
    const render = (slow: boolean) =>
      instance.render(input(script, JSON.stringify({ slow }), { templateCacheKey: key, limits }));
    const quickPerStrike = Math.ceil(1 / STRIKE_FADE);
    for (let round = 0; round < STRIKES + 1; round++) {
      await render(true);
      for (let i = 0; i < quickPerStrike; i++) await render(false);
    }
    expect(instance.isThreadOnly(key!)).toBe(false);
    // Slow every few renders: the strikes add up (the quick ones between take a little away).
    for (let round = 0; round < STRIKES + 1; round++) {
      await render(true);
      for (let i = 0; i < 5; i++) await render(false);
    }
    expect(instance.isThreadOnly(key!)).toBe(true);
  });

  it("renders a script past the in-place memory limit in a thread", async () => {
    const { instance } = renderer();
    const result = await instance.render(
      input(`{% assign r = (1..${INLINE_RENDER.memoryLimit * 2}) %}{% action 'echo', size: r.size %}`),
    );
    expect(result.errors).toEqual([]);
    expect(result.actions[0]!.options).toEqual({ size: INLINE_RENDER.memoryLimit * 2 });
    expect(instance.counts).toEqual({ inline: 0, thread: 1 });
  });

  it("keeps a script's own errors and limits: the outcome a thread gives", async () => {
    const { instance } = renderer();
    const failing = await instance.render(input("{% error 'bad input' %}"));
    expect(failing.errors).toEqual(["bad input"]);
    expect(instance.counts).toEqual({ inline: 1, thread: 0 });
    // A task whose own time limit is below the in-place one stops at its own limit, in the thread too.
    const limited = await instance.render(input(SLOW, undefined, { limits: { renderLimitMs: 20 } }));
    expect(limited.errors).toEqual([expect.stringMatching(/^Liquid render time limit exceeded \(20 ms\)/)]);
    expect(limited.stoppedAtLimit).toBe(true);
  });

  it("sends a script that looks something up to a thread, where the lookup is made once", async () => {
    const { instance } = renderer();
    let reads = 0;
    const cache = {
      get: async (key: string) => {
        reads += 1;
        return key === "k" ? "cached" : undefined;
      },
    };
    const given = input('{% action "echo", hit: cache["k"] %}', undefined, { cache });
    const result = await instance.render(given);
    expect(result.errors).toEqual([]);
    expect(result.actions[0]!.options).toEqual({ hit: "cached" });
    expect(reads).toBe(1);
    expect(instance.isThreadOnly(given.templateCacheKey!)).toBe(true);
  });

  it("never renders in place an event bigger than the in-place size, nor a render without a cache key", async () => {
    const { instance, inPlace } = renderer();
    const big = JSON.stringify({ text: "x".repeat(INLINE_RENDER.maxEventJsonChars) });
    const result = await instance.render(input("{% action 'echo', size: event.data.text.size %}", big));
    expect(result.actions[0]!.options).toEqual({ size: INLINE_RENDER.maxEventJsonChars });
    const parentBig = input("{% action 'echo', n: 1 %}");
    parentBig.event.parent = { ...parentBig.event, id: "p", dataJson: big, parent: null };
    await instance.render(parentBig);
    await instance.render(input("{% action 'echo', n: 1 %}", undefined, { templateCacheKey: undefined }));
    expect(inPlace.calls).toBe(0);
    expect(instance.counts).toEqual({ inline: 0, thread: 3 });
  });

  it("renders in place one at a time, so concurrent renders do not count each other's time", async () => {
    const { instance } = renderer();
    const script = "{% for i in (1..300) %}{% assign x = i %}{% endfor %}{% action 'echo', ok: true %}";
    const key = input(script).templateCacheKey;
    // Warm (a first render in a process runs cold code), then take the fastest of a few renders.
    let single = Infinity;
    for (let i = 0; i < 10; i++) {
      single = Math.min(single, (await renderTask(input(script, undefined, { templateCacheKey: key }))).durationMs);
    }
    // Interleaved, each of these renders would measure about three times the in-place time limit.
    const concurrent = Math.min(200, Math.ceil((INLINE_RENDER.renderLimitMs * 3) / Math.max(single, 0.25)));
    const results = await Promise.all(
      Array.from({ length: concurrent }, () => instance.render(input(script, undefined, { templateCacheKey: key }))),
    );
    expect(results.every((r) => r.errors.length === 0)).toBe(true);
    expect(instance.counts).toEqual({ inline: concurrent, thread: 0 });
  });
});
