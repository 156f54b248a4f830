import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real TLS servers and key generation on a shared 2-core box: be generous, never flaky.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
