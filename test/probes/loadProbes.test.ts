import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultProbesDirectory, loadProbes, ProbeFileError } from "../../src/probes/index.js";

async function probesCopy(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "kubetls-probes-"));
  await cp(defaultProbesDirectory(), directory, { recursive: true });
  return directory;
}

async function expectLoadError(edit: (text: string) => string, file: string, message: RegExp): Promise<void> {
  const directory = await probesCopy();
  const path = join(directory, file);
  await writeFile(path, edit(await readFile(path, "utf8")));
  const failure = await loadProbes(directory).then(
    () => null,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(ProbeFileError);
  expect((failure as ProbeFileError).message).toMatch(
    new RegExp(`${file.replace(".", "\\.")}: ${message.source}`),
  );
}

describe("loadProbes", () => {
  it("loads the shipped probes with a mapping for every listed benchmark", async () => {
    const { catalogue, probes } = await loadProbes();
    expect(catalogue.defaultBenchmark).toBe("cis-1.12");
    expect(catalogue.benchmarks.map((benchmark) => benchmark.id)).toContain("cis-1.6");
    const byId = new Map(probes.map((probe) => [probe.id, probe]));
    expect(byId.get("kubelet.serving-cert")?.controls["cis-1.6"]).toEqual(["4.2.10"]);
    expect(byId.get("kubelet.serving-cert")?.controls["cis-1.12"]).toEqual(["4.2.9"]);
    expect(byId.get("kubelet.https")?.controls["cis-1.6"]).toEqual(["1.2.4"]);
    expect(byId.get("kubelet.https")?.controls["cis-1.12"]).toEqual([]);
    for (const probe of probes) {
      expect(Object.keys(probe.controls).sort()).toEqual(
        catalogue.benchmarks.map((benchmark) => benchmark.id).sort(),
      );
    }
  });

  it("names the file and the field of a malformed config probe", async () => {
    await expectLoadError(
      (text) => text.replace("durationAbove: 0s", "durationAbove: soon"),
      "kubelet-config-streaming-idle-timeout.yaml",
      /verdicts\[4\]\.when\.durationAbove: "soon" is not a Go duration/,
    );
    await expectLoadError(
      (text) => text.replace("default: 4h0m0s", "default: forever"),
      "kubelet-config-streaming-idle-timeout.yaml",
      /verdicts\[4\]\.when\.default: "forever" is not a Go duration/,
    );
    await expectLoadError(
      (text) => text.replace("source: config", "source: rumour"),
      "kubelet-config-read-only-port.yaml",
      /source: unknown source "rumour"/,
    );
    await expectLoadError(
      (text) => text.replace("default: 0, is: 0", "default: [0], is: 0"),
      "kubelet-config-read-only-port.yaml",
      /verdicts\[4\]\.when\.default: takes a string, number or boolean/,
    );
    const { probes } = await loadProbes();
    const sources = new Map(probes.map((probe) => [probe.id, probe.checkSource]));
    expect(sources.get("kubelet.anonymous-auth")).toBe("wire");
    expect(sources.get("kubelet-config.anonymous-auth")).toBe("config");
  });

  it("names the file and the field of a malformed probe", async () => {
    await expectLoadError(
      (text) => text.replace("severity: high", "severity: catastrophic"),
      "kubelet-https.yaml",
      /severity: unknown severity "catastrophic"/,
    );
    await expectLoadError(
      (text) => text.replace("status: PASS", "status: GREAT"),
      "kubelet-https.yaml",
      /verdicts\[0\]\.status: unknown status "GREAT"/,
    );
    await expectLoadError(
      (text) => text.replace("fact: speaksTls", "fact: speaksTsl"),
      "kubelet-https.yaml",
      /verdicts\[0\]\.when\.all\[0\]\.fact: unknown fact "speaksTsl"/,
    );
    await expectLoadError(
      (text) => text.replace("{ fact: plainHttp, is: true }", "{ fact: plainHttp, equals: true }"),
      "kubelet-https.yaml",
      /verdicts\[2\]\.when\.equals: unknown operator/,
    );
    await expectLoadError(
      (text) => text.replace('  cis-1.6: ["1.2.4"]\n', ""),
      "kubelet-https.yaml",
      /controls\.cis-1\.6: missing/,
    );
    await expectLoadError(
      (text) => text.replace("roles: [kubelet]", "roles: [kubelett]"),
      "kubelet-https.yaml",
      /roles\[0\]: unknown role "kubelett"/,
    );
    await expectLoadError(
      (text) => `${text}\nsurprise: true\n`,
      "kubelet-https.yaml",
      /surprise: unknown field/,
    );
    await expectLoadError(
      (text) => text.replace("roles: [kubelet]", "roles: [kubelet"),
      "kubelet-https.yaml",
      /\(file\): not valid YAML/,
    );
    await expectLoadError(
      (text) => text.replace("default: cis-1.12", "default: cis-9.9"),
      "benchmarks.yaml",
      /default: "cis-9\.9" is not one of/,
    );
  });

  it("validates record projections, anyNotIn, fact operands and evidence placeholders", async () => {
    const file = "kubelet-tls-ciphers.yaml";
    await expectLoadError(
      (text) => text.replace('tls.versions, "tls.cipherSuites{', 'tls.versions, "tls.cipherSuites{,'),
      file,
      /reads\[2\]: "tls\.cipherSuites\{,.*" is not a fact path/,
    );
    await expectLoadError(
      (text) => text.replace("anyNotIn:\n", "anyNotIn: TLS_RSA_WITH_AES_128_GCM_SHA256\n          extra:\n"),
      file,
      /verdicts\[2\]\.when\.all\[1\]: expected \{fact: PATH, OPERATOR: VALUE\}/,
    );
    await expectLoadError(
      (text) =>
        text.replace(
          "{ fact: scan.benchmark, is: cis-1.12 }",
          "{ fact: scan.benchmark, anyNotIn: cis-1.12 }",
        ),
      file,
      /verdicts\[2\]\.when\.all\[0\]\.anyNotIn: takes a list, or \{ fact: PATH \}/,
    );
    await expectLoadError(
      (text) =>
        text.replace(
          "{ fact: scan.benchmark, is: cis-1.12 }",
          "{ fact: scan.benchmark, in: { fact: scna.benchmarks } }",
        ),
      file,
      /verdicts\[2\]\.when\.all\[0\]\.in\.fact: unknown fact "scna"/,
    );
    await expectLoadError(
      (text) => text.replace("kubelet list: {$anyNotIn}", "kubelet list: {$offending}"),
      file,
      /verdicts\[2\]\.evidence: unknown placeholder \{\$offending\} \(known: \{\$anyNotIn\}, \{\$matches\}\)/,
    );
    await expectLoadError(
      (text) => text.replace("  - status: PASS\n", "  - status: PASS\n    critical: true\n"),
      file,
      /verdicts\[\d+\]\.critical: only a FAIL verdict can be critical/,
    );
    await expectLoadError(
      (text) => text.replace("no suite outside the {scan.benchmark}", "no suite outside {$anyNotIn}"),
      file,
      /verdicts\[6\]\.evidence: \{\$anyNotIn\} needs an anyNotIn condition/,
    );
    await expectLoadError(
      (text) => text.replace('evidence: "no TLS to judge: {error.code}"', 'evidence: "no TLS: {eror.code}"'),
      file,
      /verdicts\[0\]\.evidence: unknown fact "eror"/,
    );
    await expectLoadError(
      (text) => text.replace('evidence: "no TLS to judge: {error.code}"', 'evidence: "no TLS: {error.code"'),
      file,
      /verdicts\[0\]\.evidence: unbalanced braces/,
    );
  });

  it("names a probes folder that cannot be read, as a probe-file input error", async () => {
    const missing = join(await mkdtemp(join(tmpdir(), "kubetls-probes-")), "absent");
    const failure = await loadProbes(missing).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProbeFileError);
    expect((failure as ProbeFileError).code).toBe("KUBETLS_ERR_PROBE_FILE");
    expect((failure as ProbeFileError).message).toBe(
      `${missing}: (folder): cannot be read (ENOENT): the probes folder ships with kubetls`,
    );
  });

  it("rejects a duplicate probe id and a fallback that is not last", async () => {
    const directory = await probesCopy();
    await cp(join(directory, "kubelet-https.yaml"), join(directory, "kubelet-https-copy.yaml"));
    await expect(loadProbes(directory)).rejects.toThrow(
      /kubelet-https\.yaml: id: "kubelet\.https" is already defined in .*kubelet-https-copy\.yaml/,
    );
    await expectLoadError(
      (text) =>
        text.replace(
          '  - status: ERROR\n    evidence: "could not tell',
          '  - status: ERROR\n    when: { fact: reachable, is: true }\n    evidence: "could not tell',
        ),
      "kubelet-https.yaml",
      /verdicts\[6\]: the last verdict must have no `when`/,
    );
  });
});
