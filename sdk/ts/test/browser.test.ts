// The web example in headless Chromium (Debian's, driven by playwright-core): builds it with
// Vite, serves it, creates a stream from the page, waits for the vesting progress to move, and
// saves a screenshot to target/ts-web-example.png. Run by sdk/cli/tests/ts_sdk.rs with RPC_URL and
// DEPLOYMENT set; CHROMIUM overrides the browser's path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { build, preview } from "vite";

const config = fileURLToPath(new URL("../examples/web/vite.config.ts", import.meta.url));
const screenshot = fileURLToPath(new URL("../../../target/ts-web-example.png", import.meta.url));

test("the web example creates a stream and shows its progress moving", async () => {
  const rpc = process.env.RPC_URL!;
  const deployment = readFileSync(process.env.DEPLOYMENT!, "utf8");
  await build({ configFile: config });
  const server = await preview({ configFile: config, preview: { port: 0, host: "127.0.0.1" } });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const url = new URL(server.resolvedUrls!.local[0]);
    url.searchParams.set("rpc", rpc);
    url.searchParams.set("deployment", deployment);
    await page.goto(url.toString());
    await page.waitForFunction(() => document.getElementById("state")?.textContent?.startsWith("ready"), undefined, { timeout: 30_000 });
    await page.click("#create");
    await page.waitForFunction(() => document.getElementById("state")?.textContent === "streaming", undefined, { timeout: 60_000 });
    const first = await page.$eval("#progress", (p) => (p as HTMLProgressElement).value);
    await page.waitForFunction((v) => (document.getElementById("progress") as HTMLProgressElement).value > v + 10, first, { timeout: 30_000 });
    const id = await page.textContent("#id");
    const elapsed = await page.textContent("#elapsed");
    const streamedText = await page.textContent("#streamed");
    assert.match(id ?? "", /^\d+$/, "the page shows the stream id");
    assert.ok(BigInt(streamedText ?? "0") > 0n, "something has streamed");
    await page.screenshot({ path: screenshot });
    console.log(`web example: stream ${id}, create → confirmed ${elapsed}, streamed ${streamedText}; screenshot ${screenshot}`);
    assert.deepEqual(errors, [], "no page errors");
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
});
