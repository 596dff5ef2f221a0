import { describe, expect, it } from "vitest";
import { tickBatcher } from "~/data/tick-batch";

/** A batcher that records each batch it was given and answers each input doubled (or fails on 13). */
function doubling(options: { maxBatch: number; key?: (n: number) => string }) {
  const batches: number[][] = [];
  const call = tickBatcher<number, number>(async (inputs) => {
    batches.push(inputs);
    if (inputs.includes(13)) throw new Error(`unlucky batch ${inputs.join(",")}`);
    return inputs.map((n) => n * 2);
  }, options);
  return { call, batches };
}

describe("tickBatcher", () => {
  it("answers the calls of one tick with one batch, each call its own answer in order", async () => {
    const { call, batches } = doubling({ maxBatch: 10 });
    await expect(Promise.all([call(1), call(2), call(3)])).resolves.toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("starts a new batch in a later tick", async () => {
    const { call, batches } = doubling({ maxBatch: 10 });
    await call(1);
    await call(2);
    expect(batches).toEqual([[1], [2]]);
  });

  it("never passes more than maxBatch inputs at once", async () => {
    const { call, batches } = doubling({ maxBatch: 2 });
    await expect(Promise.all([1, 2, 3, 4, 5].map(call))).resolves.toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("keeps inputs with the same key in different batches", async () => {
    const { call, batches } = doubling({ maxBatch: 10, key: (n) => String(n % 3) });
    await expect(Promise.all([1, 4, 2, 7].map(call))).resolves.toEqual([2, 8, 4, 14]);
    // 1, 4 and 7 share a key: each in a batch of its own; 2 joins the first.
    expect(batches).toEqual([[1, 2], [4], [7]]);
  });

  it("runs each input of a failed batch alone, so only the bad input's call fails", async () => {
    const { call, batches } = doubling({ maxBatch: 10 });
    const results = await Promise.allSettled([call(1), call(13), call(3)]);
    expect(results).toEqual([
      { status: "fulfilled", value: 2 },
      { status: "rejected", reason: new Error("unlucky batch 13") },
      { status: "fulfilled", value: 6 },
    ]);
    expect(batches).toEqual([[1, 13, 3], [1], [13], [3]]);
  });

  it("fails a lone call with its own error (no second attempt)", async () => {
    const { call, batches } = doubling({ maxBatch: 10 });
    await expect(call(13)).rejects.toThrow("unlucky batch 13");
    expect(batches).toEqual([[13]]);
  });
});
