// Closing a connection whose request body was not read, without losing the answer.
// Node closes a "Connection: close" socket as soon as the answer is written; with the client still
// sending, the kernel then resets the connection, and a reset discards whatever the client had not
// read yet: the 413 never arrives and the sender sees EPIPE or ECONNRESET instead. So, like Go's
// net/http: half-close (FIN after the answer), stop reading (the sender's writes stall, nothing is
// buffered here), give the sender a moment to read the answer, then close.
import type { IncomingMessage } from "node:http";

const LINGER_MS = 1_000;

/** Call before writing an answer sent with Connection: close while the request body is unread. */
export function lingerOnClose(req: IncomingMessage): void {
  const socket = req.socket;
  // A body that has fully arrived leaves nothing in flight: the usual close is safe (and quicker).
  if (socket.destroyed || req.complete) return;
  req.removeAllListeners("data"); // whatever was consuming the body stops here
  // Node ends a Connection: close socket with destroySoon() once the answer is written.
  socket.destroySoon = function destroySoon() {
    if (this.writable) this.end();
    this.pause();
    setTimeout(() => this.destroy(), LINGER_MS).unref();
  };
}
