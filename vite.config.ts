import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";
import { loadConfigOrExit } from "./app/config.server";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

// The dev server's address comes from the app's configuration; a build reads none of it.
const web = () => loadConfigOrExit().web;

export default defineConfig(({ command }) => ({
  server: {
    ...(command === "serve" ? { port: web().port, host: web().host, hmr: { port: web().hmrPort } } : {}),
    allowedHosts: true,
    fs: { allow: ["app", "node_modules"] },
    // Test output (SQLite files, Playwright traces with .html resources) changes all the time while
    // tests run; an .html change there made Vite reload every open page (issue 13).
    watch: { ignored: ["**/tests/output/**", "**/build/**"] },
  },
  plugins: [
    remix({
      ignoredRouteFiles: ["**/.*", "**/*.test.*"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: false,
        v3_routeConfig: false,
        // Vite's dependency scan starts from the routes, so a cold start optimises every dependency
        // at once. Without it the first pages found more as they loaded, Vite re-optimised, and a page
        // that had connected after the "optimized dependencies changed, reloading" message kept
        // modules from both runs: two copies of React, an invalid hook call, a blank page (issue 13,
        // docs/decisions/0085).
        unstable_optimizeDeps: true,
      },
    }),
    tsconfigPaths(),
  ],
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
}));
