import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type ClusterAccess, KubeconfigError, loadClusterAccess } from "../../src/kubeconfig/index.js";

/*
 * kubectl's loading and merge rules (client-go clientcmd `ClientConfigLoadingRules.Load`, its loader
 * tests and the kubeconfig documentation), checked against the loader without a network: loading a
 * context never contacts the cluster. The PEM texts are markers; nothing parses them here.
 */

let directory: string;
const CA_A = "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n";
const CA_B = "-----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----\n";
const CERT = "-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n";

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "kubetls-merge-"));
});
afterAll(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

let written = 0;
/** Writes a kubeconfig into its own folder, with `files` beside it; returns its path. */
async function kubeconfig(document: unknown, files: Record<string, string> = {}): Promise<string> {
  const folder = join(directory, `file-${++written}`);
  await mkdir(folder, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(folder, name, ".."), { recursive: true });
    await writeFile(join(folder, name), content, { mode: 0o755 });
  }
  const path = join(folder, "config");
  await writeFile(path, typeof document === "string" ? document : stringify(document));
  return path;
}

const base64 = (text: string): string => Buffer.from(text).toString("base64");

function load(kubeconfigList: string[], context?: string): Promise<ClusterAccess> {
  return loadClusterAccess({
    ...(context === undefined ? {} : { context }),
    environment: { KUBECONFIG: kubeconfigList.join(":"), HOME: join(directory, "no-home") },
  });
}

async function refusal(promise: Promise<unknown>): Promise<KubeconfigError> {
  const outcome = await promise.then(
    () => new Error("expected a KubeconfigError"),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(KubeconfigError);
  return outcome as KubeconfigError;
}

describe("$KUBECONFIG lists merge as kubectl merges them", () => {
  it("the first file to define a name wins it whole; current-context comes from the first file that sets one", async () => {
    // kubectl's own example: two files both define red-user and cow-cluster.
    const first = await kubeconfig({
      clusters: [{ name: "cow-cluster", cluster: { server: "https://127.0.0.1:6443" } }],
      users: [{ name: "red-user", user: { token: "red-token" } }],
      contexts: [{ name: "federal-context", context: { cluster: "cow-cluster", user: "red-user" } }],
    });
    const second = await kubeconfig({
      clusters: [
        {
          name: "cow-cluster",
          cluster: { server: "https://127.0.0.2:6443", "tls-server-name": "a-different-cow" },
        },
        { name: "donkey-cluster", cluster: { server: "https://127.0.0.3:6443" } },
      ],
      users: [
        // Non-conflicting fields of a second red-user are dropped too: the first red-user wins whole.
        {
          name: "red-user",
          user: { token: "a-different-red-token", "client-certificate-data": base64(CERT) },
        },
        { name: "yellow-user", user: { token: "yellow-token" } },
      ],
      contexts: [
        { name: "federal-context", context: { cluster: "donkey-cluster", user: "yellow-user" } },
        { name: "yellow-context", context: { cluster: "donkey-cluster", user: "yellow-user" } },
      ],
      "current-context": "federal-context",
    });
    const third = await kubeconfig({ "current-context": "yellow-context" });

    const access = await load([first, second, third]);
    expect(access.contextName).toBe("federal-context");
    expect(access.server).toEqual({ host: "127.0.0.1", port: 6443 });
    expect(access.serverName).toBeUndefined();
    expect(access.identityKind).toBe("token");
    expect(tokenOf(access)).toBe("red-token");

    // Entries only the later files define are still there.
    const yellow = await load([first, second, third], "yellow-context");
    expect(yellow.server).toEqual({ host: "127.0.0.3", port: 6443 });
    expect(tokenOf(yellow)).toBe("yellow-token");

    // Reversed, the other file's entries win, and so does its current-context.
    const reversed = await load([third, second, first]);
    expect(reversed.contextName).toBe("yellow-context");
    const federal = await load([second, first], "federal-context");
    expect(federal.server).toEqual({ host: "127.0.0.3", port: 6443 });
    expect(tokenOf(federal)).toBe("yellow-token");
  });

  it("resolves each file reference against the directory of the file that named it", async () => {
    const clusters = await kubeconfig(
      {
        clusters: [
          { name: "c", cluster: { server: "https://127.0.0.1:6443", "certificate-authority": "pki/ca.crt" } },
        ],
      },
      { "pki/ca.crt": CA_B },
    );
    const users = await kubeconfig(
      { users: [{ name: "u", user: { "client-certificate": "me.crt", "client-key": "keys/me.key" } }] },
      { "me.crt": CERT, "keys/me.key": KEY },
    );
    const contexts = await kubeconfig(
      { contexts: [{ name: "x", context: { cluster: "c", user: "u" } }], "current-context": "x" },
      // Same relative names beside the context's file: they must not be the ones read.
      { "pki/ca.crt": CA_A, "me.crt": "wrong", "keys/me.key": "wrong" },
    );
    const access = await load([contexts, clusters, users]);
    expect(access.caPem).toBe(CA_B);
    expect(access.identity).toEqual({ certPem: CERT, keyPem: KEY });
  });

  it("skips missing and empty entries of the list; fails when none exists, or when one cannot be read", async () => {
    const real = await kubeconfig({
      clusters: [{ name: "c", cluster: { server: "https://127.0.0.1" } }],
      contexts: [{ name: "x", context: { cluster: "c" } }],
      "current-context": "x",
    });
    const missing = join(directory, "absent", "config");
    const access = await loadClusterAccess({
      environment: { KUBECONFIG: `${missing}::${real}:${real}`, HOME: directory },
    });
    expect(access).toMatchObject({ contextName: "x", server: { host: "127.0.0.1", port: 443 } });

    const none = await refusal(load([missing, join(directory, "absent", "other")]));
    expect(none.message).toContain("$KUBECONFIG");
    expect(none.reason).toMatch(/none of these files exists/);

    const broken = await kubeconfig("clusters: [unclosed\n");
    const invalid = await refusal(load([real, broken]));
    expect(invalid.kubeconfigPath).toBe(broken);
    expect(invalid.reason).toMatch(/^not valid YAML at line/);

    const folder = await refusal(load([real, directory]));
    expect(folder.kubeconfigPath).toBe(directory);
  });

  it("--kubeconfig FILE is used alone: $KUBECONFIG is not merged in, and a missing file is an error", async () => {
    const fromEnvironment = await kubeconfig({
      clusters: [{ name: "c", cluster: { server: "https://127.0.0.9" } }],
      contexts: [{ name: "env", context: { cluster: "c" } }],
      "current-context": "env",
    });
    const explicit = await kubeconfig({
      clusters: [{ name: "c", cluster: { server: "https://127.0.0.1" } }],
      contexts: [{ name: "mine", context: { cluster: "c" } }],
    });
    const environment = { KUBECONFIG: fromEnvironment, HOME: directory };
    const noCurrent = await refusal(loadClusterAccess({ kubeconfigPath: explicit, environment }));
    expect(noCurrent.reason).toBe("no context given and no current-context set; known contexts: mine");
    const notMerged = await refusal(
      loadClusterAccess({ kubeconfigPath: explicit, context: "env", environment }),
    );
    expect(notMerged.reason).toMatch(/context "env" not found/);
    const missing = join(directory, "no-such-file");
    const absent = await refusal(loadClusterAccess({ kubeconfigPath: missing, environment }));
    expect(absent.message).toBe(`kubeconfig ${JSON.stringify(missing)}: cannot read the file: no such file`);
  });

  it("without $KUBECONFIG (unset or empty) reads $HOME/.kube/config", async () => {
    const home = join(directory, "home");
    await mkdir(join(home, ".kube"), { recursive: true });
    await writeFile(
      join(home, ".kube", "config"),
      stringify({
        clusters: [{ name: "c", cluster: { server: "https://127.0.0.4:6443" } }],
        contexts: [{ name: "home", context: { cluster: "c" } }],
        "current-context": "home",
      }),
    );
    for (const environment of [{ HOME: home }, { HOME: home, KUBECONFIG: "" }]) {
      const access = await loadClusterAccess({ environment });
      expect(access.contextName).toBe("home");
    }
    const nowhere = join(directory, "empty-home");
    const error = await refusal(loadClusterAccess({ environment: { HOME: nowhere } }));
    expect(error.kubeconfigPath).toBe(join(nowhere, ".kube", "config"));
    expect(error.reason).toMatch(/no such file; name one with --kubeconfig FILE or set \$KUBECONFIG/);
  });
});

describe("one kubeconfig file, decoded as kubectl decodes it", () => {
  it("an empty file is an empty config; YAML 1.1 booleans; JSON is YAML", async () => {
    const empty = await kubeconfig("");
    const target = await kubeconfig(
      [
        "clusters:",
        "- name: c",
        "  cluster: {server: 'https://127.0.0.1', insecure-skip-tls-verify: yes}",
        "contexts: [{name: x, context: {cluster: c}}]",
        "current-context: x",
      ].join("\n"),
    );
    expect((await load([empty, target])).insecureSkipTlsVerify).toBe(true);
    const json = await kubeconfig(
      JSON.stringify({
        clusters: [
          { name: "c", cluster: { server: "https://127.0.0.1", "certificate-authority-data": base64(CA_A) } },
        ],
        contexts: [{ name: "x", context: { cluster: "c" } }],
        "current-context": "x",
      }),
    );
    expect((await load([json])).caPem).toBe(CA_A);
  });

  it("refuses a name defined twice in one file, wrong field types, bad base64 and a kind that is not Config", async () => {
    const cases: [unknown, RegExp][] = [
      [
        {
          users: [
            { name: "u", user: { token: "one" } },
            { name: "u", user: { token: "two" } },
          ],
        },
        /users\["u"\] is defined twice/,
      ],
      [
        { clusters: [{ name: "c", cluster: { server: 6443 } }] },
        /clusters\["c"\]\.cluster\.server must be a string/,
      ],
      [{ clusters: [{ cluster: { server: "https://x" } }] }, /clusters\[0\] has no name/],
      [{ users: { u: {} } }, /users must be a list/],
      [
        { users: [{ name: "u", user: { "client-key-data": "not base64!" } }] },
        /users\["u"\]\.user\.client-key-data is not base64/,
      ],
      [{ kind: "Pod" }, /kind is "Pod", not Config/],
    ];
    for (const [document, reason] of cases) {
      const path = await kubeconfig(document);
      const error = await refusal(load([path]));
      expect(error.kubeconfigPath).toBe(path);
      expect(error.reason).toMatch(reason);
      expect(error.message).not.toMatch(/\bone\b|\btwo\b|not base64!/);
    }
  });

  it("refuses what kubectl refuses: data and file both, a CA with insecure-skip-tls-verify", async () => {
    const cases: [object, object, RegExp][] = [
      [
        {
          server: "https://127.0.0.1",
          "certificate-authority": "ca.crt",
          "certificate-authority-data": base64(CA_A),
        },
        {},
        /sets both certificate-authority and certificate-authority-data/,
      ],
      [
        {
          server: "https://127.0.0.1",
          "certificate-authority-data": base64(CA_A),
          "insecure-skip-tls-verify": true,
        },
        {},
        /insecure-skip-tls-verify and a certificate authority/,
      ],
      [
        { server: "https://127.0.0.1" },
        {
          "client-certificate": "me.crt",
          "client-certificate-data": base64(CERT),
          "client-key-data": base64(KEY),
        },
        /sets both client-certificate and client-certificate-data/,
      ],
      [{ server: "https://127.0.0.1" }, { as: "system:admin", token: "t" }, /impersonates/],
      [{}, {}, /cluster "c" has no server/],
    ];
    for (const [cluster, user, reason] of cases) {
      const path = await kubeconfig(
        {
          clusters: [{ name: "c", cluster }],
          users: [{ name: "u", user }],
          contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
          "current-context": "x",
        },
        { "ca.crt": CA_A, "me.crt": CERT },
      );
      const error = await refusal(load([path]));
      expect(error.message).toContain(`kubeconfig ${JSON.stringify(path)}, context "x"`);
      expect(error.reason).toMatch(reason);
    }
  });

  it("tokenFile wins over token while it can be read; static credentials win over an exec plugin", async () => {
    const exec = { apiVersion: "client.authentication.k8s.io/v1", command: "./must-not-run" };
    const context = (user: object) => ({
      clusters: [{ name: "c", cluster: { server: "https://127.0.0.1" } }],
      users: [{ name: "u", user }],
      contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
      "current-context": "x",
    });
    const files = { token: "from-file\n", "must-not-run": "#!/bin/sh\nexit 7\n" };
    const both = await load([
      await kubeconfig(context({ token: "inline", tokenFile: "token", exec }), files),
    ]);
    expect(both.identityKind).toBe("token-file");
    expect(tokenOf(both)).toBe("from-file");
    const fallback = await load([await kubeconfig(context({ token: "inline", tokenFile: "gone" }), files)]);
    expect(tokenOf(fallback)).toBe("inline");
    const execOnly = await refusal(load([await kubeconfig(context({ exec }), files)]));
    expect(execOnly.reason).toMatch(/must-not-run" exited with code 7/);
  });

  it("a file that never ends is cut off at the cap, not read forever", async () => {
    const error = await refusal(loadClusterAccess({ kubeconfigPath: "/dev/zero" }));
    expect(error.reason).toMatch(/larger than \d+ bytes/);
  });
});

function tokenOf(access: ClusterAccess): string | null {
  const identity = access.identity;
  return identity !== null && "bearerToken" in identity ? identity.bearerToken.reveal() : null;
}
