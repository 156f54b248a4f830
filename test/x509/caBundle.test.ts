import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CaBundleError, loadCaBundle, type MintedCertificate, parsePemBundle } from "../../src/x509/index.js";
import { mintCa } from "./fixtures.js";

let first: MintedCertificate;
let second: MintedCertificate;
let dir: string;

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  first = await mintCa("kubernetes");
  second = await mintCa("etcd-ca", { key: { type: "ed25519" } });
  dir = mkdtempSync(join(tmpdir(), "kubetls-cabundle-"));
});

describe("loadCaBundle", () => {
  it("reads every certificate of a multi-certificate PEM, ignoring other blocks and text", async () => {
    const path = write("bundle.pem", `# cluster CAs\n${first.certPem}\n${first.keyPem}${second.certPem}`);
    const anchors = await loadCaBundle([path]);
    expect(anchors.map((anchor) => anchor.fingerprint256)).toEqual([
      first.x509.fingerprint256,
      second.x509.fingerprint256,
    ]);
  });

  it("merges several files in order and drops duplicates", async () => {
    const a = write("a.pem", first.certPem);
    const b = write("b.pem", second.certPem + first.certPem);
    const anchors = await loadCaBundle([a, b]);
    expect(anchors.map((anchor) => anchor.subject)).toEqual(["CN=kubernetes", "CN=etcd-ca"]);
    expect(await loadCaBundle([])).toEqual([]);
  });

  it("names the file when it is missing, empty, not PEM certificates, or corrupt", async () => {
    const missing = join(dir, "missing.pem");
    await expect(loadCaBundle([missing])).rejects.toThrow(`CA bundle ${missing}: file not found`);
    await expect(loadCaBundle([write("empty.pem", " \n")])).rejects.toThrow(
      `CA bundle ${join(dir, "empty.pem")}: is empty`,
    );
    await expect(loadCaBundle([write("key.pem", first.keyPem)])).rejects.toThrow(
      `CA bundle ${join(dir, "key.pem")}: contains no PEM certificates (found PRIVATE KEY)`,
    );
    await expect(loadCaBundle([write("der.crt", first.certDer.toString("binary"))])).rejects.toThrow(
      `CA bundle ${join(dir, "der.crt")}: contains no PEM certificates`,
    );
    const corrupt = write(
      "corrupt.pem",
      `${first.certPem}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`,
    );
    await expect(loadCaBundle([corrupt])).rejects.toThrow(
      `CA bundle ${corrupt}: certificate #2 is not a valid X.509 certificate`,
    );
    await expect(loadCaBundle([dir])).rejects.toThrow(`CA bundle ${dir}: is a directory, not a PEM file`);
    const error = await loadCaBundle([missing]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CaBundleError);
    expect(error).toMatchObject({ source: missing, code: "KUBETLS_ERR_CA_BUNDLE" });
  });
});

describe("parsePemBundle", () => {
  it("parses text with the given source name in errors", () => {
    expect(parsePemBundle(first.certPem, "inline")).toHaveLength(1);
    expect(() => parsePemBundle("hello", "--ca-file flag")).toThrow(
      "CA bundle --ca-file flag: contains no PEM certificates",
    );
  });
});
