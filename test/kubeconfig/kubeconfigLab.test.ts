import type { LookupAddress } from "node:dns";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpsServer } from "node:https";
import { createServer, type LookupFunction, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  type ClusterAccess,
  KubeconfigError,
  listNodes,
  loadClusterAccess,
  nodeProxyGet,
} from "../../src/kubeconfig/index.js";
import { APISERVER_PORT, KUBELET_PORT, LAB_ADMIN_TOKEN, type Lab, startLab } from "../../src/lab/index.js";
import { mintCertificate } from "../../src/x509/mint.js";
import { uniqueLabNetwork } from "../support/cli.js";

const TIMEOUT_MS = 5_000;
const EXEC_V1BETA1 = "client.authentication.k8s.io/v1beta1";

let lab: Lab;
let network: string;
let directory: string;
let apiserverUrl: string;
let kubeletAddress: string;
let kubeletNode: string;
const secretsSeen: string[] = [];

beforeAll(async () => {
  network = uniqueLabNetwork();
  lab = await startLab({ network, only: ["kubelet-good", "apiserver-good"] });
  directory = await mkdtemp(join(tmpdir(), "kubetls-kubeconfig-"));
  const apiserver = posture("apiserver-good");
  const kubelet = posture("kubelet-good");
  apiserverUrl = `https://${apiserver.address}:${APISERVER_PORT}`;
  kubeletAddress = kubelet.address;
  kubeletNode = kubelet.nodeName;
});

afterAll(async () => {
  await lab?.stop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

function posture(name: string) {
  const found = lab.postures.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`lab posture ${name} did not start`);
  return found;
}

const inLab = (host: string): boolean => host.startsWith(`${network}.`);
const options = () => ({ timeoutMs: TIMEOUT_MS, isInScope: inLab });

function base64(text: string): string {
  return Buffer.from(text).toString("base64");
}

/** One cluster, one user, one context "lab" (current). */
function singleContext(user: object, cluster: object = labCluster()): object {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "lab-cluster", cluster }],
    users: [{ name: "lab-user", user }],
    contexts: [{ name: "lab", context: { cluster: "lab-cluster", user: "lab-user" } }],
    "current-context": "lab",
  };
}

function labCluster(): object {
  return { server: apiserverUrl, "certificate-authority-data": base64(lab.pki.clusterCa.certPem) };
}

function adminCertUser(): object {
  return {
    "client-certificate-data": base64(lab.pki.adminClient.certPem),
    "client-key-data": base64(lab.pki.adminClient.keyPem),
  };
}

let written = 0;
/** Writes `document` as YAML into a fresh subdirectory (with `files` beside it); returns its path. */
async function writeKubeconfig(document: object, files: Record<string, string> = {}): Promise<string> {
  const folder = join(directory, `case-${++written}`);
  await mkdir(folder, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(folder, name, ".."), { recursive: true });
    await writeFile(join(folder, name), content, { mode: 0o755 });
  }
  const path = join(folder, "config");
  await writeFile(path, stringify(document));
  return path;
}

async function expectKubeconfigError(promise: Promise<unknown>): Promise<KubeconfigError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a KubeconfigError");
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(KubeconfigError);
  secretsSeen.push((error as KubeconfigError).message);
  return error as KubeconfigError;
}

async function expectLabNodeListed(access: ClusterAccess): Promise<void> {
  const listing = await listNodes(access, options());
  expect(listing.error).toBeNull();
  expect(listing.nodes).toEqual([
    { name: kubeletNode, address: kubeletAddress, kubeletPort: KUBELET_PORT, ipAddresses: [kubeletAddress] },
  ]);
}

/** Gone or a zombie (killed, waiting for a reaper that may be slow in a container). */
async function exitsWithin(pid: number, withinMs: number): Promise<boolean> {
  const deadline = performance.now() + withinMs;
  while (performance.now() < deadline) {
    try {
      process.kill(pid, 0);
      const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
      if (/^\d+ \(.*\) Z/.test(stat)) return true;
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** A node script that prints an ExecCredential, or fails the way a real plugin does. */
function execPluginScript(body: string): string {
  return `#!${process.execPath}\n${body}\n`;
}

const PRINT_TOKEN = execPluginScript(`
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO ?? "{}");
if (info.spec?.interactive !== false || process.env.LAB_REGION !== "lab-1") {
  console.error("unexpected environment");
  process.exit(3);
}
process.stdout.write(JSON.stringify({
  apiVersion: "${EXEC_V1BETA1}",
  kind: "ExecCredential",
  status: { token: ${JSON.stringify(LAB_ADMIN_TOKEN)}, expirationTimestamp: "2099-01-01T00:00:00Z" },
}));`);

describe("loadClusterAccess + listNodes against the lab API server", () => {
  it("(a) embedded CA and client certificate data list the lab kubelet at its 127.x InternalIP", async () => {
    const path = await writeKubeconfig(singleContext(adminCertUser()));
    const access = await loadClusterAccess({ kubeconfigPath: path });
    expect(access).toMatchObject({
      contextName: "lab",
      server: { host: posture("apiserver-good").address, port: APISERVER_PORT },
      caPem: lab.pki.clusterCa.certPem,
      insecureSkipTlsVerify: false,
      identityKind: "client-certificate",
      identity: { certPem: lab.pki.adminClient.certPem, keyPem: lab.pki.adminClient.keyPem },
    });
    expect(access.serverName).toBeUndefined();
    await expectLabNodeListed(access);
  });

  it("(b) resolves file references against the kubeconfig's directory, not the working directory", async () => {
    const path = await writeKubeconfig(
      singleContext(
        { "client-certificate": "pki/admin.crt", "client-key": "pki/admin.key" },
        { server: apiserverUrl, "certificate-authority": "pki/ca.crt", "tls-server-name": "kubernetes" },
      ),
      {
        "pki/ca.crt": lab.pki.clusterCa.certPem,
        "pki/admin.crt": lab.pki.adminClient.certPem,
        "pki/admin.key": lab.pki.adminClient.keyPem,
      },
    );
    const access = await loadClusterAccess({ kubeconfigPath: relative(process.cwd(), path) });
    expect(access.caPem).toBe(lab.pki.clusterCa.certPem);
    expect(access.serverName).toBe("kubernetes");
    expect(access.identityKind).toBe("client-certificate");
    await expectLabNodeListed(access);
  });

  it("sends no credentials to an API server its kubeconfig CA does not vouch for; insecure-skip-tls-verify opts out", async () => {
    const foreignCa = {
      server: apiserverUrl,
      "certificate-authority-data": base64(lab.pki.foreignCa.certPem),
    };
    const impostor = await loadClusterAccess({
      kubeconfigPath: await writeKubeconfig(singleContext({ token: LAB_ADMIN_TOKEN }, foreignCa)),
    });
    const refused = await listNodes(impostor, options());
    expect(refused.nodes).toEqual([]);
    expect(refused.error?.message).toMatch(/certificate|verify|issuer/i);
    expect(JSON.stringify(refused)).not.toContain(LAB_ADMIN_TOKEN);
    const skipping = await loadClusterAccess({
      kubeconfigPath: await writeKubeconfig(
        singleContext({ token: LAB_ADMIN_TOKEN }, { server: apiserverUrl, "insecure-skip-tls-verify": true }),
      ),
    });
    await expectLabNodeListed(skipping);
  });

  it("(c) a token", async () => {
    const access = await loadClusterAccess({
      kubeconfigPath: await writeKubeconfig(singleContext({ token: LAB_ADMIN_TOKEN })),
    });
    expect(access.identityKind).toBe("token");
    await expectLabNodeListed(access);
  });

  it("(d) a tokenFile, relative and with a trailing newline", async () => {
    const path = await writeKubeconfig(singleContext({ tokenFile: "secrets/token" }), {
      "secrets/token": `${LAB_ADMIN_TOKEN}\n`,
    });
    const access = await loadClusterAccess({ kubeconfigPath: path });
    expect(access.identityKind).toBe("token-file");
    await expectLabNodeListed(access);
  });

  it("(e) an exec plugin printing an ExecCredential, with its env and a command relative to the kubeconfig", async () => {
    const path = await writeKubeconfig(
      singleContext({
        exec: {
          apiVersion: EXEC_V1BETA1,
          command: "./bin/lab-credential",
          env: [{ name: "LAB_REGION", value: "lab-1" }],
          interactiveMode: "Never",
        },
      }),
      { "bin/lab-credential": PRINT_TOKEN },
    );
    const access = await loadClusterAccess({ kubeconfigPath: path });
    expect(access.identityKind).toBe("exec");
    await expectLabNodeListed(access);
  });

  it("(e) an exec plugin run through node by absolute path", async () => {
    const path = await writeKubeconfig(
      singleContext({
        exec: {
          apiVersion: EXEC_V1BETA1,
          command: process.execPath,
          args: [join(directory, "plugin-by-node.cjs")],
          env: [{ name: "LAB_REGION", value: "lab-1" }],
        },
      }),
    );
    await writeFile(join(directory, "plugin-by-node.cjs"), PRINT_TOKEN.replace(/^#!.*\n/, ""));
    const access = await loadClusterAccess({ kubeconfigPath: path });
    expect(access.identityKind).toBe("exec");
    await expectLabNodeListed(access);
  });

  it("(e) provideClusterInfo hands the plugin the cluster's server and CA", async () => {
    const path = await writeKubeconfig(
      singleContext({
        exec: { apiVersion: EXEC_V1BETA1, command: "./cluster-aware", args: null, provideClusterInfo: true },
      }),
      {
        "cluster-aware": execPluginScript(`
const cluster = JSON.parse(process.env.KUBERNETES_EXEC_INFO).spec.cluster ?? {};
const ca = Buffer.from(cluster["certificate-authority-data"] ?? "", "base64").toString();
if (cluster.server !== ${JSON.stringify(apiserverUrl)} || !ca.includes("BEGIN CERTIFICATE")) {
  console.error("no cluster info: " + JSON.stringify(cluster.server));
  process.exit(1);
}
process.stdout.write(JSON.stringify({ apiVersion: "${EXEC_V1BETA1}", kind: "ExecCredential", status: { token: ${JSON.stringify(LAB_ADMIN_TOKEN)} } }));`),
      },
    );
    await expectLabNodeListed(await loadClusterAccess({ kubeconfigPath: path }));
  });

  it("(e) a failing exec plugin is a KubeconfigError with the first line of its stderr", async () => {
    const path = await writeKubeconfig(
      singleContext({ exec: { apiVersion: EXEC_V1BETA1, command: "./fail" } }),
      {
        fail: execPluginScript(
          `process.stderr.write("\\nerror: getting credentials: AccessDenied for role lab\\nsecond line ${LAB_ADMIN_TOKEN}\\n"); process.exit(2);`,
        ),
      },
    );
    const error = await expectKubeconfigError(loadClusterAccess({ kubeconfigPath: path }));
    expect(error.message).toContain(path);
    expect(error.message).toContain('context "lab"');
    expect(error.message).toContain(
      "exited with code 2: error: getting credentials: AccessDenied for role lab",
    );
    expect(error.message).not.toContain("second line");
  });

  it("(e) an exec plugin that hangs is killed at the deadline", async () => {
    const path = await writeKubeconfig(
      singleContext({ exec: { apiVersion: EXEC_V1BETA1, command: "./hang" } }),
      // A shell script, not node: it prints its line in milliseconds even on a loaded machine, so the 500 ms
      // deadline is what ends it, after its stderr arrived.
      { hang: `#!/bin/sh\necho "waiting for browser login" >&2\nexec sleep 60\n` },
    );
    const started = performance.now();
    const error = await expectKubeconfigError(
      loadClusterAccess({ kubeconfigPath: path, execTimeoutMs: 500 }),
    );
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(error.reason).toMatch(/did not finish within 500 ms: waiting for browser login$/);
  });

  it("(e) the deadline also kills what the plugin started", async () => {
    const pidFile = join(directory, "grandchild.pid");
    const path = await writeKubeconfig(
      singleContext({ exec: { apiVersion: EXEC_V1BETA1, command: "./wrapper" } }),
      {
        wrapper: execPluginScript(`
const { spawn } = require("node:child_process");
const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "inherit" });
require("node:fs").writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));
setInterval(() => {}, 1000);`),
      },
    );
    await expectKubeconfigError(loadClusterAccess({ kubeconfigPath: path, execTimeoutMs: 1_000 }));
    const grandchild = Number(await readFile(pidFile, "utf8"));
    expect(await exitsWithin(grandchild, 2_000)).toBe(true);
  });

  it("(e) a missing exec command names it and the install hint", async () => {
    const path = await writeKubeconfig(
      singleContext({
        exec: {
          apiVersion: EXEC_V1BETA1,
          command: "kubetls-no-such-credential-plugin",
          installHint: "install it from the lab",
        },
      }),
    );
    const error = await expectKubeconfigError(loadClusterAccess({ kubeconfigPath: path }));
    expect(error.reason).toContain(
      '"kubetls-no-such-credential-plugin": command not found; install it from the lab',
    );
  });

  it("(e) exec output that is not a valid ExecCredential is refused without quoting it", async () => {
    for (const printed of [
      `{"apiVersion":"${EXEC_V1BETA1}","kind":"ExecCredential","status":{"token":"${LAB_ADMIN_TOKEN}`,
      `${LAB_ADMIN_TOKEN}`,
      JSON.stringify({
        apiVersion: "client.authentication.k8s.io/v1",
        kind: "ExecCredential",
        status: { token: LAB_ADMIN_TOKEN },
      }),
    ]) {
      const path = await writeKubeconfig(
        singleContext({ exec: { apiVersion: EXEC_V1BETA1, command: "./plugin" } }),
        { plugin: execPluginScript(`process.stdout.write(${JSON.stringify(printed)});`) },
      );
      const error = await expectKubeconfigError(loadClusterAccess({ kubeconfigPath: path }));
      expect(error.reason).toMatch(/not JSON|apiVersion/);
    }
  });

  it("(f) two contexts: --context picks the second; an unknown one lists the known ones", async () => {
    const document = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        { name: "elsewhere", cluster: { server: "https://127.0.0.2:6443" } },
        { name: "lab-cluster", cluster: labCluster() },
      ],
      users: [
        { name: "someone", user: { token: "someone-else" } },
        { name: "admin", user: adminCertUser() },
      ],
      contexts: [
        { name: "first", context: { cluster: "elsewhere", user: "someone" } },
        { name: "second", context: { cluster: "lab-cluster", user: "admin" } },
        { name: "no-cluster", context: { cluster: "missing-cluster", user: "admin" } },
        { name: "no-user", context: { cluster: "lab-cluster", user: "missing-user" } },
      ],
      "current-context": "first",
    };
    const path = await writeKubeconfig(document);
    expect((await loadClusterAccess({ kubeconfigPath: path })).contextName).toBe("first");
    const second = await loadClusterAccess({ kubeconfigPath: path, context: "second" });
    expect(second.contextName).toBe("second");
    expect(second.identityKind).toBe("client-certificate");
    await expectLabNodeListed(second);

    const unknown = await expectKubeconfigError(
      loadClusterAccess({ kubeconfigPath: path, context: "third" }),
    );
    expect(unknown.message).toBe(
      `kubeconfig ${JSON.stringify(path)}: context "third" not found; known contexts: first, second, no-cluster, no-user`,
    );
    const noCluster = await expectKubeconfigError(
      loadClusterAccess({ kubeconfigPath: path, context: "no-cluster" }),
    );
    expect(noCluster.message).toContain(
      'context "no-cluster": the context\'s cluster "missing-cluster" is not defined',
    );
    const noUser = await expectKubeconfigError(
      loadClusterAccess({ kubeconfigPath: path, context: "no-user" }),
    );
    expect(noUser.message).toContain('the context\'s user "missing-user" is not defined');
  });

  it("(f) missing files: the kubeconfig itself and a file it references", async () => {
    const missing = join(directory, "no-such-kubeconfig");
    const absent = await expectKubeconfigError(loadClusterAccess({ kubeconfigPath: missing }));
    expect(absent.message).toBe(`kubeconfig ${JSON.stringify(missing)}: cannot read the file: no such file`);

    const path = await writeKubeconfig(
      singleContext({ "client-certificate": "admin.crt", "client-key": "admin.key" }),
      {
        "admin.crt": lab.pki.adminClient.certPem,
      },
    );
    const unreadable = await expectKubeconfigError(loadClusterAccess({ kubeconfigPath: path }));
    expect(unreadable.message).toContain('context "lab"');
    expect(unreadable.reason).toBe(
      `cannot read client-key file ${JSON.stringify(join(path, "..", "admin.key"))}: no such file`,
    );

    const noTokenFile = await writeKubeconfig(singleContext({ tokenFile: "nowhere/token" }));
    const tokenError = await expectKubeconfigError(loadClusterAccess({ kubeconfigPath: noTokenFile }));
    expect(tokenError.reason).toContain("cannot read tokenFile");
  });

  it("(f) malformed YAML is reported by position without quoting the file", async () => {
    const path = join(directory, "broken-config");
    await writeFile(path, `users:\n- name: u\n  user:\n    token: ${LAB_ADMIN_TOKEN}\n   bad: [indent\n`);
    const error = await expectKubeconfigError(loadClusterAccess({ kubeconfigPath: path }));
    expect(error.reason).toMatch(/^not valid YAML at line \d+, column \d+/);
  });

  it("(g) the token never shows in JSON, inspect or String of the access, nor in any error", async () => {
    const tokenAccess = await loadClusterAccess({
      kubeconfigPath: await writeKubeconfig(singleContext({ token: LAB_ADMIN_TOKEN })),
    });
    const json = JSON.stringify(tokenAccess);
    expect(json).toContain('"bearerToken":"[redacted]"');
    for (const shown of [
      json,
      inspect(tokenAccess, { depth: 10, showHidden: true }),
      `${tokenAccess.identity && "bearerToken" in tokenAccess.identity ? tokenAccess.identity.bearerToken : ""}`,
    ]) {
      expect(shown).not.toContain(LAB_ADMIN_TOKEN);
    }
    expect({ ...tokenAccess.identity }).not.toHaveProperty("value");
    expect(JSON.stringify(structuredClone({ ...tokenAccess }))).not.toContain(LAB_ADMIN_TOKEN);

    // A token the API server rejects: the 401 comes back as an error without the token in it.
    const wrongToken = `${LAB_ADMIN_TOKEN}-not-known`;
    const rejected = await loadClusterAccess({
      kubeconfigPath: await writeKubeconfig(singleContext({ token: wrongToken })),
    });
    const listing = await listNodes(rejected, options());
    expect(listing.error?.message).toMatch(/^GET \/api\/v1\/nodes answered 401/);
    secretsSeen.push(listing.error?.message ?? "");

    await expectKubeconfigError(
      loadClusterAccess({
        kubeconfigPath: await writeKubeconfig(singleContext({ token: LAB_ADMIN_TOKEN })),
        context: LAB_ADMIN_TOKEN.slice(0, 3),
      }),
    );
    expect(secretsSeen.length).toBeGreaterThan(5);
    for (const message of secretsSeen) {
      expect(message).not.toContain(LAB_ADMIN_TOKEN);
      expect(message).not.toContain(wrongToken);
    }
  });

  it("(h) nodeAddressTypes order decides the address: Hostname first yields the node name", async () => {
    const access = await loadClusterAccess({
      kubeconfigPath: await writeKubeconfig(singleContext(adminCertUser())),
    });
    const byHostname = await listNodes(access, {
      ...options(),
      nodeAddressTypes: ["Hostname", "InternalIP"],
    });
    expect(byHostname.nodes).toEqual([
      { name: kubeletNode, address: kubeletNode, kubeletPort: KUBELET_PORT, ipAddresses: [kubeletAddress] },
    ]);
    const none = await listNodes(access, { ...options(), nodeAddressTypes: ["ExternalIP"] });
    expect(none.nodes).toEqual([
      { name: kubeletNode, address: null, kubeletPort: KUBELET_PORT, ipAddresses: [kubeletAddress] },
    ]);
  });

  it("(i) an API server outside the scope gets an out-of-scope error and not one connection", async () => {
    const sockets: Socket[] = [];
    const bystander = createServer((socket) => sockets.push(socket));
    const host = `${network}.250`;
    await new Promise<void>((resolve, reject) => {
      bystander.once("error", reject);
      bystander.listen(0, host, () => resolve());
    });
    const address = bystander.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const path = await writeKubeconfig(
        singleContext(
          { token: LAB_ADMIN_TOKEN },
          {
            server: `https://${host}:${port}`,
            "certificate-authority-data": base64(lab.pki.clusterCa.certPem),
          },
        ),
      );
      const access = await loadClusterAccess({ kubeconfigPath: path });
      expect(access.server).toEqual({ host, port });
      const isInScope = (candidate: string) => inLab(candidate) && candidate !== host;
      const listing = await listNodes(access, { timeoutMs: TIMEOUT_MS, isInScope });
      expect(listing).toEqual({
        nodes: [],
        error: expect.objectContaining({ code: "out-of-scope" }),
        cut: null,
      });
      expect(listing.error?.message).toContain(`${host}:${port}`);
      const proxied = await nodeProxyGet(access, kubeletNode, "/healthz", {
        timeoutMs: TIMEOUT_MS,
        isInScope,
      });
      expect(proxied.outcome).toBe("out-of-scope");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sockets).toHaveLength(0);
    } finally {
      await new Promise<void>((resolve) => bystander.close(() => resolve()));
    }
  });

  it("an API server named by DNS is dialled through the scope's resolver, and refused by it", async () => {
    const path = await writeKubeconfig(
      singleContext(
        { token: LAB_ADMIN_TOKEN },
        {
          server: `https://kubernetes.lab.invalid:${APISERVER_PORT}`,
          "certificate-authority-data": base64(lab.pki.clusterCa.certPem),
          // The lab API server's certificate names "kubernetes", not the made-up DNS name.
          "tls-server-name": "kubernetes",
        },
      ),
    );
    const access = await loadClusterAccess({ kubeconfigPath: path });
    expect(access.server.host).toBe("kubernetes.lab.invalid");
    const asked: string[] = [];
    // Node asks for every address (`all`) when it may race families; answer in the shape asked for.
    const toLab: LookupFunction = (hostname, lookupOptions, callback) => {
      asked.push(hostname);
      const address = posture("apiserver-good").address;
      if (lookupOptions.all) {
        (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, [
          { address, family: 4 },
        ]);
      } else callback(null, address, 4);
    };
    const named = await listNodes(access, { ...options(), isInScope: () => true, lookup: toLab });
    expect(named.error).toBeNull();
    expect(named.nodes.map((entry) => entry.name)).toEqual([kubeletNode]);
    expect(asked).toContain("kubernetes.lab.invalid");

    const refuse: LookupFunction = (hostname, _options, callback) => {
      callback(
        Object.assign(new Error(`${hostname} resolves outside --scope`), { code: "ENOTALLOWED" }),
        "",
        0,
      );
    };
    const refused = await listNodes(access, { ...options(), isInScope: () => true, lookup: refuse });
    expect(refused.nodes).toEqual([]);
    expect(refused.error?.code).toBe("out-of-scope");
  });

  it("reads a NodeList far larger than a snippet whole, scrubs an echoed token, refuses one past 4 MiB", async () => {
    const host = `${network}.251`;
    const leaf = await mintCertificate({
      subject: { commonName: "kube-apiserver" },
      key: { type: "ec", curve: "P-256" },
      issuer: lab.pki.clusterCa,
      ipAddresses: [host],
      extendedKeyUsage: ["serverAuth"],
    });
    let nodeCount = 0;
    const bigCluster = createHttpsServer({ cert: leaf.certPem, key: leaf.keyPem }, (request, response) => {
      if (request.headers.authorization) {
        response.writeHead(401, { "content-type": "application/json" });
        const message = `token rejected: ${request.headers.authorization}`;
        response.end(JSON.stringify({ kind: "Status", reason: "Unauthorized", message }));
        return;
      }
      const items = Array.from({ length: nodeCount }, (_, index) => ({
        metadata: { name: `node-${index}`, labels: { padding: "x".repeat(200) } },
        status: { addresses: [{ type: "InternalIP", address: `10.1.${index >> 8}.${index & 255}` }] },
      }));
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ kind: "NodeList", apiVersion: "v1", metadata: {}, items }));
    });
    await new Promise<void>((resolve) => bigCluster.listen(0, host, () => resolve()));
    const address = bigCluster.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const access = await loadClusterAccess({
        kubeconfigPath: await writeKubeconfig(
          singleContext(adminCertUser(), {
            server: `https://${host}:${port}`,
            "certificate-authority-data": base64(lab.pki.clusterCa.certPem),
          }),
        ),
      });
      nodeCount = 100;
      const listing = await listNodes(access, options());
      expect(listing.error).toBeNull();
      expect(listing.nodes).toHaveLength(100);
      expect(listing.nodes[99]).toEqual({
        name: "node-99",
        address: "10.1.0.99",
        kubeletPort: KUBELET_PORT,
        ipAddresses: ["10.1.0.99"],
      });

      const echoed = await listNodes(
        await loadClusterAccess({
          kubeconfigPath: await writeKubeconfig(
            singleContext(
              { token: LAB_ADMIN_TOKEN },
              {
                server: `https://${host}:${port}`,
                "certificate-authority-data": base64(lab.pki.clusterCa.certPem),
              },
            ),
          ),
        }),
        options(),
      );
      expect(echoed.error?.message).toBe(
        "GET /api/v1/nodes answered 401 (Unauthorized: token rejected: Bearer [redacted])",
      );

      nodeCount = 20_000;
      const tooBig = await listNodes(access, options());
      expect(tooBig).toEqual({
        nodes: [],
        error: expect.objectContaining({ code: "body-too-large" }),
        cut: null,
      });
    } finally {
      bigCluster.closeAllConnections();
      await new Promise<void>((resolve) => bigCluster.close(() => resolve()));
    }
  });

  it("(j) nodeProxyGet /healthz through the lab API server answers 200 ok; /configz answers too", async () => {
    const access = await loadClusterAccess({
      kubeconfigPath: await writeKubeconfig(singleContext({ token: LAB_ADMIN_TOKEN })),
    });
    const health = await nodeProxyGet(access, kubeletNode, "/healthz", options());
    expect(health).toMatchObject({ outcome: "http", status: 200, bodySnippet: "ok" });
    const config = await nodeProxyGet(access, kubeletNode, "/configz", options());
    expect(config).toMatchObject({ outcome: "http", status: 200 });
  });

  it("nodeProxyGet refuses forbidden kubelet paths before dialling", async () => {
    const access = await loadClusterAccess({
      kubeconfigPath: await writeKubeconfig(singleContext({ token: LAB_ADMIN_TOKEN })),
    });
    for (const path of ["/exec/default/pod/c?command=id", "/run/default/pod/c", "/logs/", "healthz"]) {
      const outcome = await nodeProxyGet(access, kubeletNode, path, options());
      expect(outcome.outcome).toBe("out-of-scope");
    }
    expect(lab.sensitiveRequests).toEqual([]);
  });

  it("refuses kubeconfigs kubetls cannot honour, naming what", async () => {
    const cases: [object, RegExp][] = [
      [singleContext({ token: "t" }, { server: "http://127.0.0.1:8080" }), /is not https/],
      [singleContext({ token: "t" }, { server: "https://127.0.0.1/k8s/clusters/c-1" }), /has a path/],
      [
        singleContext({ token: "t" }, { server: apiserverUrl, "proxy-url": "http://127.0.0.1:3128" }),
        /proxy-url/,
      ],
      [singleContext({ "auth-provider": { name: "gcp" } }), /auth-provider "gcp"/],
      [singleContext({ username: "admin", password: "hunter2" }), /basic authentication/],
      [singleContext({ "client-certificate-data": base64(lab.pki.adminClient.certPem) }), /no client key/],
      [singleContext({ exec: { command: "x" } }), /exec.apiVersion/],
    ];
    for (const [document, reason] of cases) {
      const error = await expectKubeconfigError(
        loadClusterAccess({ kubeconfigPath: await writeKubeconfig(document) }),
      );
      expect(error.reason).toMatch(reason);
      expect(error.message).not.toContain("hunter2");
    }
  });

  it("a context without a user and a cluster with insecure-skip-tls-verify load as anonymous access", async () => {
    const document = {
      clusters: [{ name: "c", cluster: { server: "https://[::1]", "insecure-skip-tls-verify": true } }],
      contexts: [{ name: "anon", context: { cluster: "c" } }],
      "current-context": "anon",
    };
    const access = await loadClusterAccess({ kubeconfigPath: await writeKubeconfig(document) });
    expect(access).toEqual({
      contextName: "anon",
      server: { host: "::1", port: 443 },
      caPem: null,
      insecureSkipTlsVerify: true,
      identity: null,
      identityKind: "none",
    });
  });
});
