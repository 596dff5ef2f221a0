// Renders in worker threads (issue 16 item 1, docs/decisions/0072): the same results as rendering
// in-process, the event loop free while a script runs, and a hard wall-clock stop that terminates
// and replaces the thread.
import { afterAll, describe, expect, it } from "vitest";
import { FloatNumber, parseJson } from "~/domain/json";
import { renderTask, type RenderInput } from "~/domain/tasks/render";
import { RenderPool } from "~/services/render/pool.server";

const pools: RenderPool[] = [];
const pool = (options: ConstructorParameters<typeof RenderPool>[0] = {}) => {
  const created = new RenderPool(options);
  pools.push(created);
  return created;
};
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

const input = (script: string, data: unknown = {}, extra: Partial<RenderInput> = {}): RenderInput => ({
  script,
  options: {},
  event: { id: "e1", topic: "user/a/b", data, created_at: "2030-01-01T00:00:00.000Z", source: "user" },
  shop: { name: "s", domain: "s", myshopify_domain: "s", email: "", currency: "EUR", timezone: "UTC" },
  task: { id: "t1", name: "T" },
  ...extra,
});

// Loops until the engine's own render limit stops it (it checks between nodes).
const BUSY = "{% for i in (1..20000) %}{% for j in (1..20000) %}{% assign x = j %}{% endfor %}{% endfor %}";

describe("RenderPool", () => {
  it("renders what renderTask renders in-process, exact numbers and cache reads included", async () => {
    const data = parseJson('{"id": 820982911946154508, "price": 10.0, "n": 3}');
    const script =
      '{% action "echo", id: event.data.id, price: event.data.price, n: event.data.n, hit: cache["k"] %}{% log "hi" %}';
    const cache = { get: async (key: string) => (key === "k" ? { deep: [1, 2n ** 64n] } : undefined) };
    const inThread = await pool({ size: 1 }).render(input(script, data, { cache }));
    const inProcess = await renderTask(input(script, data, { cache }));
    expect({ ...inThread, durationMs: 0 }).toEqual({ ...inProcess, durationMs: 0 });
    const options = inThread.actions[0]!.options as Record<string, unknown>;
    expect(options.id).toBe(820982911946154508n);
    expect(options.price).toBeInstanceOf(FloatNumber);
    expect(options.hit).toEqual({ deep: [1, 2n ** 64n] });
  });

  it("reports script errors as renderTask does", async () => {
    const result = await pool({ size: 1 }).render(input("{% error 'bad input' %}"));
    expect(result.errors).toEqual(["bad input"]);
  });

  it("keeps the process's event loop free while a script runs", async () => {
    const busy = pool({ size: 1 });
    let finished = false;
    const rendering = busy.render(input(BUSY)).then((result) => {
      finished = true;
      return result;
    });
    // A timer fires while the thread renders (in-process, the loop would be blocked until the end).
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(finished).toBe(false);
    const result = await rendering;
    expect(result.errors.join()).toMatch(/time limit|timed out/);
  });

  it("terminates a render past its hard limit and replaces the thread", async () => {
    const strict = pool({ size: 1, hardLimitMs: 300 });
    const stopped = await strict.render(input(BUSY));
    expect(stopped.errors).toEqual([expect.stringMatching(/^Liquid render stopped after 300 ms/)]);
    expect(stopped.actions).toEqual([]);
    const next = await strict.render(input('{% action "echo", 1 %}'));
    expect(next.errors).toEqual([]);
    expect(next.actions).toHaveLength(1);
  });

  it("renders several at once on its threads, queueing the rest", async () => {
    const two = pool({ size: 2 });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => two.render(input(`{% action "echo", ${i} %}`))),
    );
    expect(results.map((r) => r.actions[0]!.options)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(two.threads).toBeLessThanOrEqual(2);
  });
});
