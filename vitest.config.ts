// Unit tests (tests/unit) need nothing running. Integration tests (tests/integration) talk to a
// real database (DATABASE_URL picks SQLite or PostgreSQL) and a real Redis; see tests/setup/.
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts", "tests/faults/**/*.test.ts"],
    // Sized for a fully loaded 2-core machine (issue 13): tests that spawn the CLI or Prisma took
    // 20-50 s there. A timeout only bounds a hung test; passing tests take as long as they take.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    globalSetup: ["tests/setup/global-setup.ts"],
    // Integration files share one database and one Redis: run files one at a time. (Unit files share
    // nothing: `npm run test:unit` and `npm test` run them two at a time.)
    fileParallelism: false,
    pool: "forks",
  },
});
