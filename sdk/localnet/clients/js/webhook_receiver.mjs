// Receives Tributary indexer webhooks and verifies each signature (Standard Webhooks).
import http from "node:http";
import { Webhook } from "standardwebhooks";

const wh = new Webhook(process.env.WEBHOOK_SECRET); // the whsec_… shown at registration
http
  .createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      try {
        const event = wh.verify(body, req.headers); // throws on a bad signature or timestamp
        console.log(`verified ${req.headers["webhook-id"]} ${event.type} ${event.cursor}`);
        res.writeHead(204).end();
      } catch (err) {
        console.log(`rejected: ${err.message}`);
        res.writeHead(400).end();
      }
    });
  })
  .listen(Number(process.env.PORT ?? 8090), "127.0.0.1", () => console.log("listening"));
