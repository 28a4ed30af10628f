// The example imports the SDK as a dApp would, by package name, from the built package.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  resolve: {
    alias: { "@tributary/sdk": fileURLToPath(new URL("../../dist/index.js", import.meta.url)) },
  },
  // @stellar/stellar-sdk alone is about 640 kB minified.
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 1024 },
  logLevel: "warn",
});
