import { describe, expect, it } from "vitest";
import { createEventSlots } from "~/services/runner/event-slots";

/** A promise and the function that settles it, for work the test finishes by hand. */
function gate<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("event slots", () => {
  it("runs at most `limit` at once, and the rest in the order they asked", async () => {
    const slots = createEventSlots(2);
    const gates = Array.from({ length: 5 }, () => gate());
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      slots.run(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(slots.inUse).toBe(2);
    expect(slots.waiting).toBe(3);
    gates[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    // A newcomer waits behind those already waiting, though a slot just came free.
    gates[0]!.resolve();
    const late = slots.run(async () => "late");
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const g of gates) g.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(await late).toBe("late");
    expect(slots.inUse).toBe(0);
    expect(slots.waiting).toBe(0);
  });

  it("frees the slot of work that fails, and passes the failure on", async () => {
    const slots = createEventSlots(1);
    await expect(slots.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(
      slots.run(() => {
        throw new Error("thrown at once");
      }),
    ).rejects.toThrow("thrown at once");
    expect(slots.inUse).toBe(0);
    expect(await slots.run(async () => "next")).toBe("next");
  });

  it("refuses a limit that is not a whole number of at least 1", () => {
    expect(() => createEventSlots(0)).toThrow(RangeError);
    expect(() => createEventSlots(1.5)).toThrow(RangeError);
  });
});
