// How this project compiles a TypeScript entry for node (esbuild): the app's own modules bundled,
// packages loaded from node_modules at run time, source maps beside. Used by `npm run build`
// (scripts/build-processes.ts) and by the benchmarks' baselines (bench/lib/entries.ts), so both
// run alike.
import type { BuildOptions } from "esbuild";

export const NODE_BUNDLE_OPTIONS = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  tsconfig: "tsconfig.json",
  sourcemap: true,
  logLevel: "warning",
} as const satisfies BuildOptions;
