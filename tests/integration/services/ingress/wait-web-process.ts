// A web process for wait-for-response.server.test.ts's restart test: the production fast path
// (handleIngressNode) on a node:http server, started as a child so the test can kill it mid-wait.
// Prints its port on stdout once listening.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig } from "~/config.server";
import { handleIngressNode } from "~/services/ingress/handle-ingress.server";

loadConfig();
const server = createServer((req, res) => {
  handleIngressNode(req, res).then((handled) => {
    if (!handled) {
      res.writeHead(404);
      res.end();
    }
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
