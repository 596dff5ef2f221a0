// Calls made in the same tick of the event loop, answered together by one statement: on PostgreSQL
// each statement is a round trip (and a commit, for a write) that costs the worker and the server
// far more CPU than the rows it carries, so the runner's jobs of one tick share them (issue 17).

export interface TickBatchOptions<In> {
  /** The most inputs one call of runBatch receives. */
  maxBatch: number;
  /**
   * Inputs with the same key never share a batch (a second claim of one event in one statement
   * could not tell which of the two won); the later one goes into a batch of its own.
   */
  key?: (input: In) => string;
}

/**
 * A function whose calls of one tick are collected and passed to `runBatch` together; each call
 * gets its own answer (runBatch returns one per input, in order). When a batch of several fails,
 * each of its inputs runs again alone, so a bad input fails only its own call.
 */
export function tickBatcher<In, Out>(
  runBatch: (inputs: In[]) => Promise<Out[]>,
  options: TickBatchOptions<In>,
): (input: In) => Promise<Out> {
  interface Pending {
    input: In;
    resolve: (out: Out) => void;
    reject: (error: unknown) => void;
  }
  let pending: Pending[] = [];

  const runAlone = (p: Pending) => runBatch([p.input]).then(([out]) => p.resolve(out as Out), p.reject);

  const run = async (batch: Pending[]) => {
    if (batch.length === 1) return runAlone(batch[0]!);
    let outs: Out[];
    try {
      outs = await runBatch(batch.map((p) => p.input));
    } catch {
      for (const p of batch) await runAlone(p);
      return;
    }
    batch.forEach((p, i) => p.resolve(outs[i] as Out));
  };

  const flush = () => {
    const work = pending;
    pending = [];
    // Split into batches of at most maxBatch with distinct keys, in arrival order.
    const batches: { items: Pending[]; keys: Set<string> }[] = [];
    for (const p of work) {
      const key = options.key?.(p.input);
      let batch = batches.find((b) => b.items.length < options.maxBatch && (key === undefined || !b.keys.has(key)));
      if (!batch) batches.push((batch = { items: [], keys: new Set() }));
      batch.items.push(p);
      if (key !== undefined) batch.keys.add(key);
    }
    for (const batch of batches) void run(batch.items);
  };

  return (input) =>
    new Promise<Out>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ input, resolve, reject });
    });
}
