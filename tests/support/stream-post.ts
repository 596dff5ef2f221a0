// A client that streams a large body and stops once the server answers: how the tests show a server
// refuses an oversize upload early (its answer arrives long before the body would have ended).
import { request as httpRequest } from "node:http";

export interface Streamed {
  status: number;
  connection: string | undefined;
  body: string;
  /** Bytes written before the answer arrived. */
  sentBeforeAnswer: number;
}

/** POSTs `total` bytes to 127.0.0.1:`port`, chunked (no Content-Length), in 64 KiB writes. */
export function streamPost(
  port: number,
  path: string,
  total: number,
  headers: Record<string, string> = {},
): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    let answered = false;
    const req = httpRequest({ host: "127.0.0.1", port, path, method: "POST", headers });
    req.on("response", (res) => {
      answered = true;
      const sentBeforeAnswer = sent;
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => {
        resolve({ status: res.statusCode!, connection: res.headers.connection, body, sentBeforeAnswer });
        req.destroy();
      });
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}
