// A mail catcher for development and tests: an SMTP server (smtp-server) that accepts every
// message without delivering it, parses it (mailparser) and keeps the last ones in memory, for the
// /_local/mail page and JSON endpoint. No authentication, no TLS: it listens on loopback only.
import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";

export const DEFAULT_SMTP_PORT = 3025;
const MAX_MESSAGES = 200;
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export interface CaughtMessage {
  id: number;
  receivedAt: string;
  /** SMTP envelope: who the client said it was from and whom to deliver to (includes Bcc). */
  envelope: { from: string | null; to: string[] };
  messageId: string | null;
  from: string;
  to: string;
  cc: string;
  replyTo: string;
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
  size: number;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return "";
  return (Array.isArray(value) ? value : [value]).map((item) => item.text).join(", ");
}

export class MailCatcher {
  private server: SMTPServer;
  private caught: CaughtMessage[] = [];
  private nextId = 1;
  private boundPort: number | null = null;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      size: MAX_MESSAGE_BYTES,
      banner: "Hookline local development store mail catcher",
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_MESSAGE_BYTES) chunks.push(chunk);
        });
        stream.on("end", () => {
          if (stream.sizeExceeded) {
            const error = new Error(`Message exceeds the ${MAX_MESSAGE_BYTES} byte limit`) as Error & {
              responseCode: number;
            };
            error.responseCode = 552;
            callback(error);
            return;
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then(
            (parsed) => {
              const headers: Record<string, string> = {};
              for (const line of parsed.headerLines)
                headers[line.key] = line.line.slice(line.line.indexOf(":") + 1).trim();
              this.record({
                id: this.nextId++,
                receivedAt: new Date().toISOString(),
                envelope: {
                  from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
                  to: session.envelope.rcptTo.map((recipient) => recipient.address),
                },
                messageId: parsed.messageId ?? null,
                from: addresses(parsed.from),
                to: addresses(parsed.to),
                cc: addresses(parsed.cc),
                replyTo: addresses(parsed.replyTo),
                subject: parsed.subject ?? "",
                html: typeof parsed.html === "string" ? parsed.html : null,
                text: parsed.text ?? null,
                headers,
                size: raw.length,
              });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    this.server.on("error", (error) => console.error("local store mail catcher:", error.message));
  }

  private record(message: CaughtMessage): void {
    this.caught.push(message);
    if (this.caught.length > MAX_MESSAGES) this.caught.splice(0, this.caught.length - MAX_MESSAGES);
  }

  get port(): number | null {
    return this.boundPort;
  }

  listen(port = DEFAULT_SMTP_PORT, host = "127.0.0.1"): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.server.once("error", onError);
      this.server.listen(port, host, () => {
        this.server.server.off("error", onError);
        this.boundPort = (this.server.server.address() as AddressInfo).port;
        resolve(this.boundPort);
      });
    });
  }

  close(): Promise<void> {
    if (this.boundPort === null) return Promise.resolve();
    this.boundPort = null;
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Newest first; `to` keeps messages whose envelope or To/Cc name that address. */
  messages(filter: { to?: string } = {}): CaughtMessage[] {
    const wanted = filter.to?.toLowerCase();
    return this.caught
      .filter(
        (message) =>
          wanted === undefined ||
          message.envelope.to.some((address) => address.toLowerCase() === wanted) ||
          `${message.to}, ${message.cc}`.toLowerCase().includes(wanted),
      )
      .map((message) => structuredClone(message))
      .reverse();
  }

  clear(): void {
    this.caught = [];
  }
}
