// The email action against a real SMTP server started here (smtp-server), through the SMTP
// transport the app uses (nodemailer): options, addresses, refusals, and how SMTP failures map to
// retryable or permanent action failures.
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerAddress } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EMAIL_NOT_CONFIGURED, parseEmailOptions, performEmail, type EmailDeps } from "~/domain/actions/email";
import { performAction } from "~/domain/actions";
import { createSmtpTransport, type SmtpTransport } from "~/services/email/smtp-transport.server";

interface Caught {
  envelopeTo: string[];
  mail: ParsedMail;
}

const smtp = {
  server: null as SMTPServer | null,
  port: 0,
  caught: [] as Caught[],
  /** Answer for RCPT TO of an address: an SMTP error code and message. */
  refuse: new Map<string, { code: number; message: string }>(),
};
let transport: SmtpTransport;

beforeAll(async () => {
  smtp.server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const refusal = smtp.refuse.get(address.address);
      if (!refusal) return callback();
      const error = new Error(refusal.message) as Error & { responseCode: number };
      error.responseCode = refusal.code;
      callback(error);
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          smtp.caught.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.server!.listen(0, "127.0.0.1", resolve));
  smtp.port = (smtp.server.server.address() as AddressInfo).port;
  transport = createSmtpTransport(`smtp://127.0.0.1:${smtp.port}`);
});
afterAll(async () => {
  transport?.close();
  await new Promise<void>((resolve) => smtp.server?.close(() => resolve()));
});
beforeEach(() => {
  smtp.caught = [];
  smtp.refuse.clear();
});

const deps = (): EmailDeps => ({
  transport: transport.send,
  fromAddress: "shop@hookline.example",
  defaultFromName: "Demo Store",
});

describe("email options", () => {
  it("accepts Mechanic's forms: arrays or comma lists, named addresses, extra options", () => {
    const parsed = parseEmailOptions({
      to: "a@example.com, Bea <b@example.com>",
      cc: ["c@example.com"],
      subject: "Hi\nthere",
      body: "<b>x</b>",
      order_data: { name: "#1001" },
    });
    expect(parsed).toMatchObject({
      to: [
        { name: null, address: "a@example.com" },
        { name: "Bea", address: "b@example.com" },
      ],
      cc: [{ address: "c@example.com" }],
      subject: "Hi there",
      extra: { order_data: { name: "#1001" } },
    });
  });

  it("refuses what it cannot send, saying why", () => {
    const error = (options: unknown) => {
      const parsed = parseEmailOptions(options);
      return "error" in parsed ? parsed.error : null;
    };
    const base = { to: "a@example.com", subject: "s", body: "b" };
    expect(error({ ...base, to: undefined })).toMatch(/needs "to"/);
    expect(error({ ...base, to: "not-an-address" })).toMatch(/"not-an-address" is not a valid email address/);
    expect(error({ ...base, cc: "ok@example.com, bad@" })).toMatch(/email "cc": "bad@"/);
    expect(error({ ...base, to: ["a@example.com", 5] })).toMatch(/only address strings/);
    expect(error({ ...base, reply_to: ["x@example.com"] })).toMatch(/reply_to" must be a single address/);
    expect(error({ ...base, subject: " " })).toMatch(/needs a "subject"/);
    expect(error({ ...base, body: undefined })).toMatch(/needs a "body"/);
    expect(error({ ...base, template: "order_receipt" })).toMatch(/email templates are not supported by Hookline/);
    expect(error({ ...base, attachments: { "a.pdf": { pdf: {} } } })).toMatch(
      /attachments \(file generators\) are not supported/,
    );
    expect(error({ ...base, headers: { Bcc: "spy@example.com" } })).toMatch(/header Bcc cannot be set/);
    expect(error({ ...base, headers: { "X-Tag": "a\r\nBcc: spy@example.com" } })).toMatch(/must be one line/);
    expect(error({ ...base, to: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`) })).toMatch(
      /at most 50 recipients/,
    );
    expect(error("just a string")).toMatch(/needs an object/);
  });
});

describe("sending", () => {
  it("sends through SMTP: recipients, bcc only in the envelope, reply-to, display name, headers, HTML", async () => {
    const outcome = await performEmail(
      {
        to: ["ada@example.com"],
        cc: "grace@example.com",
        bcc: "audit@example.com",
        reply_to: "support@demo.example",
        subject: "Your points",
        body: "<p>You have <b>5</b> points</p>",
        from_display_name: "Demo Rewards",
        headers: { "X-Hookline-Task": "points" },
        custom: 1,
      },
      deps(),
    );
    expect(outcome).toMatchObject({
      ok: true,
      result: {
        to: ["ada@example.com"],
        accepted: ["ada@example.com", "grace@example.com", "audit@example.com"],
        rejected: [],
        extra: { custom: 1 },
      },
    });
    expect(smtp.caught).toHaveLength(1);
    const [{ envelopeTo, mail }] = smtp.caught;
    expect(envelopeTo).toEqual(["ada@example.com", "grace@example.com", "audit@example.com"]);
    expect(mail.from?.value).toEqual([{ name: "Demo Rewards", address: "shop@hookline.example" }]);
    expect(mail.headers.has("bcc")).toBe(false);
    expect(mail.replyTo?.text).toBe("support@demo.example");
    expect(mail.subject).toBe("Your points");
    expect(String(mail.html).trim()).toBe("<p>You have <b>5</b> points</p>");
    expect(mail.headers.get("x-hookline-task")).toBe("points");
  });

  it("uses the default display name when the action gives none", async () => {
    await performEmail({ to: "a@example.com", subject: "s", body: "<p>b</p>" }, deps());
    expect(smtp.caught[0].mail.from?.value[0].name).toBe("Demo Store");
  });

  it("a permanent refusal (5xx) fails the action with the server's message", async () => {
    smtp.refuse.set("gone@example.com", { code: 550, message: "Mailbox gone@example.com does not exist" });
    const outcome = await performEmail({ to: "gone@example.com", subject: "s", body: "b" }, deps());
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.ok === false && outcome.error).toMatch(
      /refused the message: .*550.*Mailbox gone@example.com does not exist/,
    );
    expect(smtp.caught).toHaveLength(0);
  });

  it("a temporary refusal (4xx) is retryable", async () => {
    smtp.refuse.set("busy@example.com", { code: 451, message: "Try again later" });
    const outcome = await performEmail({ to: "busy@example.com", subject: "s", body: "b" }, deps());
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(outcome.ok === false && outcome.error).toMatch(/deferred the message: .*451.*Try again later/);
  });

  it("an unreachable server is retryable", async () => {
    const closed = createNetServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createSmtpTransport(`smtp://127.0.0.1:${port}`);
    const outcome = await performEmail(
      { to: "a@example.com", subject: "s", body: "b" },
      { ...deps(), transport: unreachable.send },
    );
    unreachable.close();
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    expect(outcome.ok === false && outcome.error).toMatch(/could not reach the mail server: .*ECONNREFUSED/);
  });

  it("without a transport, fails clearly at run time, through the dispatcher too", async () => {
    const options = { to: "a@example.com", subject: "s", body: "b" };
    expect(await performEmail(options, { transport: null, fromAddress: "shop@hookline.example" })).toEqual({
      ok: false,
      error: EMAIL_NOT_CONFIGURED,
      retryable: false,
    });
    const dispatched = await performAction("email", options, { eventDepth: 0 } as never);
    expect(dispatched.ok === false && dispatched.error).toBe(EMAIL_NOT_CONFIGURED);
    expect(EMAIL_NOT_CONFIGURED).toMatch(/email is not configured \(SMTP_URL\)/);
    const viaDispatcher = await performAction("email", { ...options, __perform_event: false }, {
      eventDepth: 0,
      email: deps(),
    } as never);
    expect(viaDispatcher.ok).toBe(true);
    expect(smtp.caught).toHaveLength(1);
  });

  it("refuses an SMTP_URL that is not smtp:// or smtps://", () => {
    expect(() => createSmtpTransport("http://mail.example.com")).toThrow(
      /SMTP_URL must start with smtp:\/\/ or smtps:\/\//,
    );
  });
});

describe("usesEmailAction", () => {
  it("finds the email action in tag, whitespace-trimmed and {% liquid %} forms, and nothing else", async () => {
    const { usesEmailAction } = await import("~/domain/actions/email");
    expect(usesEmailAction('{% action "email" %}{}{% endaction %}')).toBe(true);
    expect(usesEmailAction("{%- action 'email', to: x -%}")).toBe(true);
    expect(usesEmailAction('{% liquid\n  action "email"\n%}')).toBe(true);
    expect(usesEmailAction('{% action "echo" "email" %}')).toBe(false);
    expect(usesEmailAction('{% assign x = "action \\"email\\"" %}{% action "http" %}{}{% endaction %}')).toBe(false);
  });
});
