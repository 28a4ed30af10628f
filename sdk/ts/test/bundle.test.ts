// The package's size budget: `dist/index.js` bundled and minified with esbuild, gzipped, with
// @stellar/stellar-sdk left out (every dApp has it already): at most 25 KB.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const BUDGET = 25 * 1024;

test("the bundle, minified and gzipped, stays within 25 KB", async () => {
  const out = await build({
    entryPoints: [fileURLToPath(new URL("../dist/index.js", import.meta.url))],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    external: ["@stellar/stellar-sdk", "@stellar/stellar-sdk/*"],
    write: false,
  });
  const min = out.outputFiles[0].contents;
  const gz = gzipSync(min, { level: 9 }).length;
  console.log(`bundle: ${min.length} B minified, ${gz} B gzipped (budget ${BUDGET} B)`);
  assert.ok(min.length > 10_000, "the bundle holds the four clients");
  assert.ok(gz <= BUDGET, `${gz} B gzipped is over the ${BUDGET} B budget`);
});
