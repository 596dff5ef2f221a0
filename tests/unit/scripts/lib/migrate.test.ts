// Issue 13, bug 4: Prisma's "url will NOT be used" warning is not printed on every start.
import { describe, expect, it } from "vitest";
import { withoutAdapterUrlWarning } from "../../../../scripts/lib/migrate";

// Prisma 6.19's output of `prisma migrate deploy` with a driver adapter in prisma.config.ts.
const OUTPUT = `Loaded Prisma config from prisma.config.ts.

Prisma config detected, skipping environment variable loading.
Prisma schema loaded from prisma/schema.prisma
Datasource "db": SQLite database "dev.sqlite" using driver adapter "@prisma/adapter-better-sqlite3"

WARNING: Your schema specifies the following datasource properties but you are using a Driver Adapter via prisma.config.ts:
- url

The values from your schema will NOT be used!

We recommend you to remove those properties from your schema to avoid confusion if you are only using driver adapters.

12 migrations found in prisma/migrations

No pending migrations to apply.
`;

describe("withoutAdapterUrlWarning", () => {
  it("drops the warning and keeps everything else", () => {
    const shown = withoutAdapterUrlWarning(OUTPUT);
    expect(shown).not.toContain("WARNING");
    expect(shown).not.toContain("will NOT be used");
    expect(shown).toContain('Datasource "db": SQLite database "dev.sqlite"');
    expect(shown).toContain("No pending migrations to apply.");
  });

  it("leaves output without the warning as it is", () => {
    const plain = "Error: P3009 migrate found failed migrations\n";
    expect(withoutAdapterUrlWarning(plain)).toBe(plain);
  });
});
