// Production build: dist/index.html plus content-hashed dist/assets/*, served by the gateway
// (WEB_ROOT). `npm run dev` proxies the API to a gateway on :8080.
import { defineConfig } from "vite";

const gateway = process.env.MC_GATEWAY ?? "http://127.0.0.1:8080";

export default defineConfig({
  base: "/",
  build: { outDir: "dist", assetsDir: "assets", emptyOutDir: true, sourcemap: false },
  server: {
    proxy: {
      "/api": gateway,
      "/auth": gateway,
      "/ws": { target: gateway.replace(/^http/, "ws"), ws: true },
    },
  },
});
