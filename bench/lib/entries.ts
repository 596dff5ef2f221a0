// The processes the benchmarks start, as production runs them: node on compiled JavaScript, never
// through tsx. The app's processes are `npm run build`'s output (package.json "start" and "worker");
// the baselines beside them are compiled here the same way (esbuild, packages external), so both
// sides of every ratio start and run alike. Every bench script builds the app first.
import { build } from "esbuild";

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
  await build({
    entryPoints: [source],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: "tsconfig.json",
    sourcemap: true,
    logLevel: "warning",
  });
  return ["--enable-source-maps", outfile];
}
