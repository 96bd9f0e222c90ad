// The floor for bench:ingest: node:http reading each body and answering 200, and nothing
// else — no signature, no parse, no database. What no webhook server on this machine,
// under the same load, can beat: the throughput goals are read against it.
import { createServer } from "node:http";

const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'));
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("ready"));
