import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BUILT_CLI, runCli } from "../support/cli.js";

function bashCompletions(words: string[]): Promise<string[]> {
  const script = [
    `eval "$(${JSON.stringify(process.execPath)} ${JSON.stringify(BUILT_CLI)} completion bash)"`,
    `COMP_WORDS=(${words.map((word) => `'${word}'`).join(" ")})`,
    `COMP_CWORD=${words.length - 1}`,
    "_kubetls",
    `printf '%s\\n' "\${COMPREPLY[@]}"`,
  ].join("\n");
  return new Promise((resolve, reject) => {
    execFile("bash", ["-c", script], { env: { ...process.env, NO_COLOR: "1" } }, (error, stdout) =>
      error ? reject(error) : resolve(stdout.split("\n").filter(Boolean)),
    );
  });
}

describe("CLI conventions", () => {
  it("reads targets from stdin when none are given and stdin is not a terminal; empty stdin is a usage error", async () => {
    const [piped, empty] = await Promise.all([
      runCli(["scan", "--dry-run", "--roles", "kubelet"], { input: "# nodes\n127.0.0.1\n127.0.0.2:6443\n" }),
      runCli(["scan", "--dry-run"], { input: "" }),
    ]);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain("127.0.0.1:10250");
    expect(piped.stdout).toContain("127.0.0.2:6443");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^kubetls: no targets: .*pipe them on stdin\n$/);
  }, 240_000);

  it("answers an unknown or bad flag with one error line and a hint, not the whole help", async () => {
    const [unknown, missingValue, unknownCommand] = await Promise.all([
      runCli(["scan", "127.0.0.1", "--formt", "json"]),
      runCli(["scan", "127.0.0.1", "--format"]),
      runCli(["scna", "127.0.0.1"]),
    ]);
    for (const run of [unknown, missingValue, unknownCommand]) {
      expect(run.code).toBe(2);
      expect(run.stderr).not.toContain("Options:");
      expect(run.stdout).toBe("");
      const lines = run.stderr.trimEnd().split("\n");
      expect(lines[0]).toMatch(/^kubetls: error: /);
      expect(lines.at(-1)).toMatch(/^hint: kubetls (scan )?--help/);
      expect(lines.length).toBeLessThanOrEqual(3);
    }
    expect(unknown.stderr).toContain("unknown option '--formt'");
    expect(unknown.stderr).toContain("Did you mean --format?");
  }, 240_000);

  it("--help shows examples and the exit codes; short aliases are the conventional ones", async () => {
    const [root, scan, version] = await Promise.all([
      runCli(["--help"]),
      runCli(["scan", "--help"]),
      runCli(["-V"]),
    ]);
    for (const help of [root, scan]) {
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("Examples:");
      expect(help.stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 .*\n\s+3 .*\n\s+4 /);
    }
    for (const alias of [
      "-o, --output",
      "-v, --verbose",
      "-q, --quiet",
      "-f, --targets-file",
      "-c, --concurrency",
      "-h, --help",
    ]) {
      expect(scan.stdout).toContain(alias);
    }
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  }, 240_000);

  it("prints completion scripts derived from the commands: bash completes commands and flags", async () => {
    expect(await bashCompletions(["kubetls", "sc"])).toEqual(["scan"]);
    const flags = await bashCompletions(["kubetls", "scan", "--output-"]);
    expect(flags).toEqual(expect.arrayContaining(["--output-json", "--output-html", "--output-kube-bench"]));
    expect(await bashCompletions(["kubetls", "merge", "--fa"])).toEqual(["--fail-on"]);
    const [zsh, fish, bad] = await Promise.all([
      runCli(["completion", "zsh"]),
      runCli(["completion", "FISH"]),
      runCli(["completion", "tcsh"]),
    ]);
    expect(zsh.stdout).toMatch(/^#compdef kubetls\n/);
    expect(zsh.stdout).toContain("'--output-json[");
    expect(fish.stdout).toContain(
      'complete -c kubetls -n "__fish_seen_subcommand_from scan" -l output-sarif',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('kubetls: completion takes bash, zsh, fish, got "tcsh"\n');
  }, 240_000);
});
