import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeFailure, EXIT } from "../../src/cli/exitCodes.js";
import { INPUT_ERROR_CODES, InputError } from "../../src/model/index.js";
import { runCli } from "../support/cli.js";

describe("operator-input errors: one base, stable codes, one exit-code map", () => {
  it("maps every code to 2 or 3, and anything else to 3 with 'scan failed'", () => {
    for (const code of INPUT_ERROR_CODES) {
      const { exitCode, message } = describeFailure(new InputError(code, `bad ${code}`));
      expect(message).toBe(`bad ${code}`);
      const expected =
        code === "KUBETLS_ERR_OUTPUT" || code === "KUBETLS_ERR_PROBE_FILE" ? EXIT.scanFailed : EXIT.usage;
      expect(exitCode, code).toBe(expected);
    }
    expect(describeFailure(new Error("socket exploded"))).toEqual({
      exitCode: EXIT.scanFailed,
      message: "scan failed: socket exploded",
    });
  });

  it("the built CLI reports each kind of bad input on one line with exit 2", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kubetls-input-"));
    const notPem = join(dir, "ca.crt");
    await writeFile(notPem, "not a certificate\n");
    const cases: [string[], RegExp][] = [
      [["scan", "10.0.0.300"], /invalid target "10\.0\.0\.300"/],
      [["scan", "127.0.0.1:1", "--ca-file", notPem], /CA bundle/],
      [["scan", "127.0.0.1:1", "--benchmark", "cis-0.1"], /unknown benchmark "cis-0\.1"/],
      [["scan", "127.0.0.1:1", "--flags", join(dir, "missing.json")], /missing\.json/],
      [["scan", "127.0.0.1:1", "--client-cert", join(dir, "missing.crt")], /client/],
      [["merge", join(dir, "missing.json")], /missing\.json: not a readable JSON file/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args)));
    for (const [i, [args, message]] of cases.entries()) {
      const run = runs[i] ?? { code: -1, stderr: "" };
      expect(run.code, args.join(" ")).toBe(EXIT.usage);
      expect(run.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(run.stderr).toMatch(/^kubetls: /);
      expect(run.stderr).toMatch(message);
    }
  }, 240_000);

  it("an unwritable report is exit 3 before any scan", async () => {
    const run = await runCli(["scan", "127.0.0.1:1", "-o", "/nonexistent-dir/r.json"]);
    expect(run.code).toBe(EXIT.scanFailed);
    expect(run.stderr).toMatch(
      /^kubetls: cannot write the report to \/nonexistent-dir\/r\.json: no such directory \/nonexistent-dir \(ENOENT\)\n$/,
    );
  });
});
