// The worker's email action over real SMTP: SMTP_URL pointing at the local store's mail catcher (and
// at refusing servers), and the save-time refusal while SMTP_URL is unset.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { loadConfig } from "~/config.server";
import prisma from "~/data/db.server";
import { createTask, TaskValidationError } from "~/data/tasks.server";
import { MailCatcher } from "~/local-store/mail/catcher";
import { closeSharedQueues, startWorker, type StartedWorker } from "~/services/runner/worker.server";
import { newEvent, newTask, runsOf, shopGraphql, uniqueShop, waitFor, waitForEventDone } from "./helpers";

const EMAIL_SCRIPT = `{% action "email" %}
{"to": "jane@example.com", "subject": "Order {{ event.data.id }}", "body": "<p>Thanks, {{ event.data.name }}!</p>", "from_display_name": "Demo Store", "reply_to": "help@example.com"}
{% endaction %}`;

/** An SMTP server that answers every recipient with `code message`. */
async function refusingServer(code: number, message: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo: (_address, _session, callback) =>
      callback(Object.assign(new Error(message), { responseCode: code }) as Error),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const catcher = new MailCatcher();
const previous = process.env.SMTP_URL;
let worker: StartedWorker | undefined;

async function startWith(smtpUrl: string) {
  await worker?.close();
  process.env.SMTP_URL = smtpUrl;
  loadConfig();
  worker = await startWorker({
    concurrency: 2,
    sweepIntervalMs: 0,
    syncSchedulers: false,
    log: () => {},
    overrides: { adminGraphql: shopGraphql(), retryBaseMs: 60_000 },
  });
}

beforeAll(async () => {
  const port = await catcher.listen(0);
  await startWith(`smtp://127.0.0.1:${port}`);
});

afterAll(async () => {
  await worker?.close();
  await catcher.close();
  await closeSharedQueues();
  if (previous === undefined) delete process.env.SMTP_URL;
  else process.env.SMTP_URL = previous;
  loadConfig();
});

describe("the email action", () => {
  it("sends through SMTP_URL: the mail catcher receives the message", async () => {
    const shop = uniqueShop("email");
    await newTask(shop, { subscriptions: "user/orders/created", script: EMAIL_SCRIPT });
    const id = await newEvent(shop, "user/orders/created", { id: 1001, name: "Jane" });
    await waitForEventDone(id, 30_000);
    const [run] = await runsOf(id);
    expect(run!.actionRuns[0]).toMatchObject({ type: "email", status: "succeeded" });
    const [message] = await waitFor(async () => {
      const found = catcher.messages({ to: "jane@example.com" }).filter((m) => m.subject === "Order 1001");
      return found.length > 0 ? found : null;
    });
    expect(message).toMatchObject({ subject: "Order 1001", replyTo: "help@example.com" });
    expect(message!.from).toContain("Demo Store");
    expect(message!.html).toContain("<p>Thanks, Jane!</p>");
  });

  it("fails at once with the server's message when it refuses for good; retries when it defers", async () => {
    const refusing = await refusingServer(550, "5.1.1 mailbox unavailable");
    const deferring = await refusingServer(451, "4.3.0 try again later");
    try {
      await startWith(refusing.url);
      const shop = uniqueShop("email-refused");
      await newTask(shop, { subscriptions: "user/orders/created", script: EMAIL_SCRIPT });
      const id = await newEvent(shop, "user/orders/created", { id: 2, name: "X" });
      await waitForEventDone(id, 30_000);
      const [action] = (await runsOf(id))[0]!.actionRuns;
      expect(action).toMatchObject({ status: "failed", attempts: 1 });
      expect(action!.error).toContain("the mail server refused the message");
      expect(action!.error).toContain("mailbox unavailable");

      await startWith(deferring.url);
      const later = await newEvent(shop, "user/orders/created", { id: 3, name: "Y" });
      const deferred = await waitFor(async () => {
        const [row] = (await runsOf(later))[0]?.actionRuns ?? [];
        return row && row.attempts === 1 && row.status === "pending" ? row : null;
      }, 30_000);
      expect(deferred).toMatchObject({ status: "pending" });
      expect(deferred.error).toContain("try again later");
      expect(deferred.error).toContain("attempt 1 of 5");
    } finally {
      await refusing.close();
      await deferring.close();
    }
  });

  it("a task with an email action is refused at save while SMTP_URL is unset", async () => {
    const shop = uniqueShop("email-unset");
    delete process.env.SMTP_URL;
    loadConfig();
    try {
      const error = await createTask(shop, { name: "Mail", subscriptions: "user/a/b", script: EMAIL_SCRIPT }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TaskValidationError);
      expect((error as TaskValidationError).field).toBe("script");
      expect((error as Error).message).toContain("set SMTP_URL");
      expect(await prisma.task.count({ where: { shop } })).toBe(0);
    } finally {
      process.env.SMTP_URL = `smtp://127.0.0.1:${catcher.port}`;
      loadConfig();
    }
  });
});
