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
      },
    }),
    tsconfigPaths(),
  ],
  build: { assetsInlineLimit: 0 },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
}));
