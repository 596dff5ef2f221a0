// The end-to-end server's queue prefix, one per port: the server (scripts/e2e-server.ts) and the
// helpers the browser tests run against its database (the CLI, scripts that create tasks) must use
// the same one, or their jobs would go to queues no worker of the run reads and stay in Redis.
// The server clears its keys when it starts and when it stops, so a killed run leaves nothing that
// the next run would pick up.
export function e2eQueuePrefix(port: number | string): string {
  return `hookline-e2e-${port}`;
}
