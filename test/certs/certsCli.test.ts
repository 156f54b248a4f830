import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

/*
 * The CLI wiring: `kubetls certs` registered in src/cli/main.ts (registerCertsCommand) and
 * `npm run certs`.
 */
describe("kubetls certs, as wired into the CLI and package.json", () => {
  it("is a command of the built CLI, with the flags certs/README.md documents", async () => {
    const help = await runCli(["certs", "--help"]);
    expect(help.stdout).toMatch(/^Usage: kubetls certs/m);
    for (const flag of ["--out", "--node", "--node-address", "--apiserver-name", "--force"]) {
      expect(help.stdout).toContain(flag);
    }
  });

  it("writes a PKI and exits 0, then refuses a second time with exit 2", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "kubetls-certs-cli-")), "pki");
    const first = await runCli(["certs", "--out", out]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const second = await runCli(["certs", "--out", out]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/already holds a lab PKI.*--force/);
  });

  it("has an npm script: npm run certs", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts.certs ?? "(no certs script)", "package.json scripts.certs").toMatch(
      /dist\/src\/cli\/main\.js certs\b/,
    );
  });
});
