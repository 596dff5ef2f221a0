// `npm run docs:env`: regenerates the README's Environment table from app/config.server.ts.
import { README, writeReadmeEnvironmentTable } from "./lib/environment-table";

await writeReadmeEnvironmentTable();
console.log(`${README}: environment table written`);
