import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, asData, call, getRequest, postRequest, seedSession, statusOf } from "./support";
import prisma from "~/data/db.server";
import { action, loader } from "~/routes/app.settings";

describe("Settings screen", () => {
  beforeAll(async () => {
    await seedSession(SHOP_A);
    await seedSession(SHOP_B);
    await prisma.shop.deleteMany({ where: { domain: { in: [SHOP_A, SHOP_B] } } });
  });

  it("shows defaults for a shop without a Shop row, and creates the row on save", async () => {
    const before = asData(await call(loader, getRequest(SHOP_A, "/app/settings")));
    // No rate limit of its own: the app's default (INGRESS_RATE_LIMIT_PER_MINUTE) applies and is shown.
    expect(before.settings).toEqual({ corsOrigins: [], retentionDays: 15, rateLimitPerMinute: null });
    expect(before.appDefaultRate).toBe(600);
    const saved = asData(
      await call(
        action,
        postRequest(SHOP_A, "/app/settings", {
          corsOrigins: "https://www.example.com\nhttp://LOCALHOST:8080\n\nhttps://www.example.com",
          retentionDays: "30",
          rateLimitPerMinute: "120",
        }),
      ),
    );
    expect(saved.ok).toBe(true);
    const row = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } });
    expect(JSON.parse(row.corsOrigins)).toEqual(["https://www.example.com", "http://localhost:8080"]);
    expect(row.retentionDays).toBe(30);
    expect(row.rateLimitPerMinute).toBe(120);
    const after = asData(await call(loader, getRequest(SHOP_A, "/app/settings")));
    expect(after.settings.retentionDays).toBe(30);
  });

  it("an empty rate limit goes back to the app's default", async () => {
    await prisma.shop.upsert({
      where: { domain: SHOP_B },
      create: { domain: SHOP_B, rateLimitPerMinute: 90 },
      update: { rateLimitPerMinute: 90 },
    });
    const saved = asData(
      await call(
        action,
        postRequest(SHOP_B, "/app/settings", { corsOrigins: "", retentionDays: "15", rateLimitPerMinute: " " }),
      ),
    );
    expect(saved.ok && saved.input.rateLimitPerMinute).toBe("");
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } })).rateLimitPerMinute).toBeNull();
  });

  it("refuses invalid values with field errors, keeps the input and changes nothing", async () => {
    const result = asData(
      await call(
        action,
        postRequest(SHOP_A, "/app/settings", {
          corsOrigins:
            "example.com\nhttps://ok.example\nhttps://x.example/path\nftp://files.example\nhttps://*.example.com",
          retentionDays: "0",
          rateLimitPerMinute: "lots",
        }),
      ),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.corsOrigins).toContain('"example.com" has no scheme; write it as https://example.com');
    expect(result.errors.corsOrigins).toContain("has a path");
    expect(result.errors.corsOrigins).toContain("must use https:// or http://");
    expect(result.errors.corsOrigins).toContain("wildcards are not supported");
    expect(result.errors.retentionDays).toBe("Retention must be between 1 and 365");
    expect(result.errors.rateLimitPerMinute).toBe("Rate limit must be a whole number");
    expect(result.input.corsOrigins).toContain("example.com");
    const row = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } });
    expect(row.retentionDays).toBe(30);
  });

  it("each shop sees and changes only its own settings", async () => {
    asData(
      await call(
        action,
        postRequest(SHOP_B, "/app/settings", { corsOrigins: "", retentionDays: "7", rateLimitPerMinute: "60" }),
      ),
    );
    const a = asData(await call(loader, getRequest(SHOP_A, "/app/settings")));
    const b = asData(await call(loader, getRequest(SHOP_B, "/app/settings")));
    expect(a.settings.retentionDays).toBe(30);
    expect(b.settings.retentionDays).toBe(7);
  });

  it("a request without a session token is not let in", async () => {
    const result = await call(
      loader,
      new Request("http://localhost:3999/app/settings", { headers: { Authorization: "Bearer not-a-jwt" } }),
    );
    expect(statusOf(result)).toBe(401);
  });
});
