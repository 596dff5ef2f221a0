// The email action's transport over SMTP (nodemailer): SMTP_URL names the server, e.g.
// smtp://user:pass@smtp.example.com:587 (STARTTLS when offered) or smtps://...:465. Timeouts are
// bounded so a silent server cannot hold an action run for minutes.
import nodemailer from "nodemailer";
import type { EmailAddress, EmailTransport } from "~/domain/actions/email";

const CONNECTION_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

function formatted(address: EmailAddress): { name: string; address: string } | string {
  return address.name ? { name: address.name, address: address.address } : address.address;
}

export interface SmtpTransport {
  send: EmailTransport;
  close(): void;
}

export function createSmtpTransport(smtpUrl: string): SmtpTransport {
  const url = new URL(smtpUrl);
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, got ${url.protocol}//`);
  }
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === "smtps:" ? 465 : 587,
    secure: url.protocol === "smtps:",
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  });
  return {
    async send(message) {
      const info = await transporter.sendMail({
        from: formatted(message.from),
        to: message.to.map(formatted),
        cc: message.cc.map(formatted),
        bcc: message.bcc.map(formatted),
        replyTo: message.replyTo ? formatted(message.replyTo) : undefined,
        subject: message.subject,
        html: message.html,
        headers: message.headers,
      });
      const addresses = (list: unknown[] | undefined) =>
        (list ?? []).map((item) => (typeof item === "string" ? item : (item as { address: string }).address));
      return {
        messageId: info.messageId ?? null,
        accepted: addresses(info.accepted),
        rejected: addresses(info.rejected),
        response: info.response ?? "",
      };
    },
    close() {
      transporter.close();
    },
  };
}
