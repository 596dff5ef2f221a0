// `prisma migrate deploy` for the launchers (`npm run dev`, the e2e server), without Prisma's
// warning that the schema's datasource url "will NOT be used" (printed on every start, issue 13).
// The url is unused on purpose: the CLI reaches the database through prisma.config.ts's driver
// adapter, and Prisma 6.19's CLI still wants the url in the schema (without it, it tries to download
// a query engine). Everything else Prisma prints is passed through.
import { spawnSync } from "node:child_process";

const WARNING =
  /\n?WARNING: Your schema specifies the following datasource properties but you are using a Driver Adapter[\s\S]*?We recommend you to remove those properties from your schema to avoid confusion if you are only using driver adapters\.\n?/;

/** Prisma's output without the driver-adapter url warning. */
export function withoutAdapterUrlWarning(output: string): string {
  return output.replace(WARNING, "\n");
}

/** Applies pending migrations; throws (after printing Prisma's output) when Prisma fails. */
export function migrateDeploy(env: NodeJS.ProcessEnv): void {
  const result = spawnSync("npx", ["prisma", "migrate", "deploy"], { env, encoding: "utf8" });
  process.stdout.write(withoutAdapterUrlWarning(result.stdout ?? ""));
  process.stderr.write(result.stderr ?? "");
  if (result.status !== 0) throw new Error(`prisma migrate deploy failed (exit ${result.status ?? result.signal})`);
}
