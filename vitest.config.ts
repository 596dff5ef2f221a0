// Unit tests (tests/unit) need nothing running. Integration tests (tests/integration) talk to a
// real database (DATABASE_URL picks SQLite or PostgreSQL) and a real Redis; see tests/setup/.
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts", "tests/faults/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ["tests/setup/global-setup.ts"],
    // Integration files share one database and one Redis: run files one at a time.
    fileParallelism: false,
    pool: "forks",
  },
});
