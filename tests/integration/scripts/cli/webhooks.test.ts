// `hookline webhooks ...` run as a child process against the test database.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { hookline as runCli, type CliResult } from "../../../support/hookline-cli";

const exec = promisify(execFile);
const SHOP = `cli-${Date.now()}.myshopify.com`;

const env = { ...process.env, SHOPIFY_APP_URL: "https://hooks.example.com/" };

// The documented command is `npx tsx scripts/hookline.ts` (the first test runs it); the others run
// the production build of the same source (tests/support/hookline-cli.ts), which starts faster.
function hookline(...args: string[]): Promise<CliResult> {
  return runCli(["webhooks", ...args], { env });
}

async function run(command: string, args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec(command, args, {
      env,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("hookline webhooks", () => {
  it("create --json prints the record with its URL and stores it", async () => {
    const result = await run("npx", [
      "tsx",
      "scripts/hookline.ts",
      "webhooks",
      "create",
      "--shop",
      SHOP,
      "--name",
      "  Contact form  ",
      "--topic",
      "user/contact/submitted",
      "--json",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout);
    expect(record).toMatchObject({
      shop: SHOP,
      name: "Contact form",
      topic: "user/contact/submitted",
      enabled: true,
      dataMode: "auto",
    });
    expect(record.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(record.url).toBe(`https://hooks.example.com/webhook/${record.id}`);
    const row = await prisma.webhook.findUnique({ where: { id: record.id } });
    expect(row?.name).toBe("Contact form");
  });

  it("create with signature and dedupe options prints the generated secret once", async () => {
    const result = await hookline(
      "create",
      "--shop",
      SHOP,
      "--name",
      "Signed",
      "--topic",
      "user/signed/hook",
      "--signature",
      "standard",
      "--dedupe",
      "--json",
    );
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout);
    expect(record.signatureSecret).toMatch(/^whsec_/);
    expect(record.dedupeEnabled).toBe(true);
    const listed = JSON.parse((await hookline("list", "--shop", SHOP, "--json")).stdout) as {
      id: string;
      signatureSecret?: string;
    }[];
    expect(listed.find((w) => w.id === record.id)?.signatureSecret).toBe("(hidden)");
  });

  it("a bad topic exits 1 with the validator's message and creates nothing", async () => {
    const before = await prisma.webhook.count({ where: { shop: SHOP } });
    for (const [topic, message] of [
      [
        "User/Foo/bar",
        'hookline: Topic "User/Foo/bar" must start with "user/", not "User/" (it must be lowercase "user")',
      ],
      ["user/foo", 'hookline: Topic "user/foo" has 2 segments; expected exactly 3: user/<subject>/<verb>'],
      ["user//x", 'hookline: Topic "user//x": the subject (segment 2) is empty'],
    ]) {
      const result = await hookline("create", "--shop", SHOP, "--name", "Bad", "--topic", topic!);
      expect(result.code, topic).toBe(1);
      expect(result.stderr.trim()).toBe(message);
      expect(result.stdout).toBe("");
    }
    expect(await prisma.webhook.count({ where: { shop: SHOP } })).toBe(before);
  });

  it("an empty name exits 1", async () => {
    const result = await hookline("create", "--shop", SHOP, "--name", "   ", "--topic", "user/a/b");
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe("hookline: Name is required");
  });

  it("list prints the shop's webhooks (text and JSON)", async () => {
    const text = await hookline("list", "--shop", SHOP);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("user/contact/submitted");
    expect(text.stdout).toContain("Contact form");
    expect(text.stdout).toMatch(/https:\/\/hooks\.example\.com\/webhook\/[0-9a-f-]{36}/);
    const json = JSON.parse((await hookline("list", "--shop", SHOP, "--json")).stdout) as {
      shop: string;
      url: string;
    }[];
    expect(json.length).toBe(2);
    expect(json.every((w) => w.shop === SHOP && w.url.startsWith("https://hooks.example.com/webhook/"))).toBe(true);
    const other = await hookline("list", "--shop", "nobody.myshopify.com");
    expect(other.stdout.trim()).toBe("No webhooks for nobody.myshopify.com.");
  });

  it("disable, regenerate and delete by id; an unknown id exits 1", async () => {
    const created = JSON.parse(
      (await hookline("create", "--shop", SHOP, "--name", "Temp", "--topic", "user/temp/x", "--json")).stdout,
    );
    expect((await hookline("disable", created.id, "--shop", SHOP)).stdout.trim()).toBe("Temp: disabled");
    const regenerated = JSON.parse((await hookline("regenerate", created.id, "--shop", SHOP, "--json")).stdout);
    expect(regenerated.id).not.toBe(created.id);
    expect(regenerated.enabled).toBe(false);
    expect((await hookline("delete", regenerated.id, "--shop", SHOP)).code).toBe(0);
    const missing = await hookline("delete", regenerated.id, "--shop", SHOP);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`hookline: Webhook ${regenerated.id} not found`);
  });

  it("create and update --response wait --response-timeout; show --json prints both; bad values exit 1", async () => {
    const created = JSON.parse(
      (
        await hookline(
          "create",
          "--shop",
          SHOP,
          "--name",
          "Quotes",
          "--topic",
          "user/quote/requested",
          "--response",
          "wait",
          "--response-timeout",
          "5",
          "--json",
        )
      ).stdout,
    );
    expect(created).toMatchObject({ responseMode: "wait", responseTimeoutSeconds: 5 });
    const shown = JSON.parse((await hookline("show", created.id, "--shop", SHOP, "--json")).stdout);
    expect(shown).toMatchObject({ responseMode: "wait", responseTimeoutSeconds: 5 });

    const updated = await hookline("update", created.id, "--shop", SHOP, "--response", "immediate", "--json");
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ responseMode: "immediate", responseTimeoutSeconds: 5 });
    const row = await prisma.webhook.findUnique({ where: { id: created.id } });
    expect(row).toMatchObject({ responseMode: "immediate", responseTimeoutSeconds: 5, name: "Quotes" });

    const tooLong = await hookline("update", created.id, "--shop", SHOP, "--response-timeout", "30");
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr.trim()).toBe("hookline: Response timeout must be a whole number of seconds from 1 to 25");
    const badMode = await hookline("update", created.id, "--shop", SHOP, "--response", "later");
    expect(badMode.code).toBe(1);
    expect(badMode.stderr.trim()).toBe('hookline: Response mode must be "immediate" or "wait"');
    expect((await prisma.webhook.findUnique({ where: { id: created.id } }))?.responseTimeoutSeconds).toBe(5);
  }, 180_000);
});
