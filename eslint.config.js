import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import globals from "globals";

// ---------------------------------------------------------------------------------------------------
// Layers that only point down (docs/decisions/0013-layers.md):
//   domain (pure) <- data access <- services <- routes, components, workers, CLI
// config.server.ts (the environment) is read by data access and above, never by the domain. The local
// development store is a separate program: the app never imports it, and it imports only the domain.
const LAYERS = {
  domain: ["app/domain/**"],
  config: ["app/config.server.*"],
  data: ["app/data/**"],
  services: ["app/services/**"],
  web: ["app/routes/**", "app/components/**", "app/root.*", "app/entry.*"],
  localStore: ["app/local-store/**"],
  entries: ["app/web-server.*", "workers/**", "scripts/**", "bench/**"],
};
const above = (...names) => names.flatMap((name) => LAYERS[name]);

/** `target` files may not import from `from`; the message says which way the layers point. */
const zone = (target, from, message) => ({ target, from, message });

const layerZones = [
  zone(
    LAYERS.domain,
    above("config", "data", "services", "web", "localStore", "entries"),
    "app/domain is pure: it imports only app/domain (no configuration, data access, services or UI).",
  ),
  zone(
    LAYERS.config,
    above("domain", "data", "services", "web", "localStore", "entries"),
    "app/config.server.ts reads the environment and imports nothing of the app.",
  ),
  zone(
    LAYERS.data,
    above("services", "web", "localStore", "entries"),
    "Data access imports only app/domain, app/config.server.ts and other data access.",
  ),
  zone(
    LAYERS.services,
    above("web", "localStore", "entries"),
    "Services import only app/domain, data access, configuration and other services.",
  ),
  zone(
    LAYERS.web,
    above("localStore", "entries"),
    "Routes and components never import the local store, the worker or scripts.",
  ),
  zone(
    ["app/components/**"],
    above("data", "services", "config"),
    "Components run in the browser: they import app/domain and other components only.",
  ),
  zone(
    LAYERS.localStore,
    above("config", "data", "services", "web", "entries"),
    "The local development store is a separate program: it imports only itself and app/domain.",
  ),
];

export default tseslint.config(
  {
    ignores: [
      "build/",
      "node_modules/",
      "public/build/",
      "tests/output/",
      "test-results/",
      "playwright-report/",
      ".cache/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    files: ["app/**/*.{ts,tsx}", "workers/**/*.ts", "scripts/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
    },
    rules: {
      "import-x/no-restricted-paths": ["error", { basePath: import.meta.dirname, zones: layerZones }],
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  {
    // Every environment variable is read once, by the configuration module.
    files: ["app/**/*.{ts,tsx}", "workers/**/*.ts"],
    ignores: ["app/config.server.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through app/config.server.ts." },
      ],
    },
  },
  {
    files: ["app/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@remix-run/*", "@prisma/*", "bullmq", "ioredis", "@shopify/*", "react", "react-dom"],
              message: "app/domain is pure TypeScript: no Remix, Prisma, BullMQ, Redis, Shopify or React.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["app/services/local-mode/app-bridge-stub.js"],
    languageOptions: { sourceType: "script" },
    rules: { "no-var": "off" },
  },
);
