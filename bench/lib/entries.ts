// The processes the benchmarks start, as production runs them: node on compiled JavaScript, never
// through tsx. The app's processes are `npm run build`'s output (package.json "start" and "worker");
// the baselines beside them are compiled here with the same settings (scripts/lib/node-bundle.ts), so both
// sides of every ratio start and run alike. Every bench script builds the app first.
import { build } from "esbuild";
import { NODE_BUNDLE_OPTIONS } from "../../scripts/lib/node-bundle";

/** The web server (`npm start`). */
export const WEB_ENTRY = ["--enable-source-maps", "build/web-server.js"];

/** A worker (`npm run worker`), with BENCH_WORKER_FLAGS (node options to try while tuning) first. */
export const WORKER_ENTRY = [
  ...(process.env.BENCH_WORKER_FLAGS ?? "").split(" ").filter(Boolean),
  "--enable-source-maps",
  "build/worker.js",
];

/** The node arguments for a baseline written in TypeScript (bench/lib/*.ts), compiled to bench/output. */
export async function compiledBaseline(source: string): Promise<string[]> {
  const name = source.replace(/^.*\//, "").replace(/\.ts$/, "");
  const outfile = `bench/output/${name}.js`;
  await build({ ...NODE_BUNDLE_OPTIONS, entryPoints: [source], outfile });
  return ["--enable-source-maps", outfile];
}
