// Second half of `npm run build` (after Remix's build of the app): compiles the two production
// processes to plain JavaScript, so `npm start` and `npm run worker` run `node` on the output and
// production needs no TypeScript runner.
//   app/web-server.ts -> build/web-server.js   (node:http in front of build/server/index.js)
//   workers/index.ts  -> build/worker.js
//   app/services/render/thread.ts -> build/render-thread.js (the render pool's threads)
//   scripts/hookline.ts -> build/hookline.js (the operator CLI: `node build/hookline.js <command>`)
// Packages stay external (loaded from node_modules at run time); the app's own modules are bundled.
import { build } from "esbuild";
import { NODE_BUNDLE_OPTIONS } from "./lib/node-bundle";

const entries = {
  "web-server": "app/web-server.ts",
  worker: "workers/index.ts",
  // The render threads' entry (app/services/render/pool.server.ts finds it next to the bundles).
  "render-thread": "app/services/render/thread.ts",
  // The operator CLI, for production hosts (no TypeScript runner) and for tests that run it as a
  // process: about a second per command, against three under tsx.
  hookline: "scripts/hookline.ts",
};

await build({ ...NODE_BUNDLE_OPTIONS, entryPoints: entries, outdir: "build" });
console.log(
  `built ${Object.keys(entries)
    .map((name) => `build/${name}.js`)
    .join(" and ")}`,
);
