import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintCertificate } from "../../src/x509/index.js";
import { uniqueLabNetwork } from "../support/cli.js";
import { writeImportRecorder } from "../support/importRecorder.js";

/*
 * kubetls as a user gets it: the working tree packed the way a fresh clone packs it (`npm pack` runs the
 * prepack build), the tarball installed globally into a temporary prefix, then the command run and the
 * library imported from directories that have nothing to do with this checkout. The checkout's own dist/
 * is never touched (other test files run the built CLI meanwhile): the copy builds its own.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { version: string };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** npm run from `npm test` inherits its lifecycle and prefix variables; the nested npm must not see them. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", npm_config_update_notifier: "false" };
  for (const name of Object.keys(env)) {
    if (/^npm_(lifecycle|package)_|^npm_config_(prefix|global_prefix|local_prefix|global)$/i.test(name)) {
      delete env[name];
    }
  }
  return env;
}

function run(command: string, args: string[], cwd: string, timeoutMs = 300_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: cleanEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === "number" ? error.code : error ? -1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
    // execFile leaves stdin open; nothing here reads it.
  }).then((result) => result as Run);
}

function expectSuccess(what: string, result: Run): void {
  if (result.code !== 0) {
    throw new Error(
      `${what} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
}

/** The working tree as a clone would have it: tracked and new files, nothing ignored (no dist/). */
async function copyWorkingTree(destination: string): Promise<void> {
  const listing = await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], root);
  expectSuccess("git ls-files (the package test copies the checkout's files)", listing);
  for (const path of listing.stdout.split("\0")) {
    // A tracked file deleted in the working tree is listed but gone: a clone of the result would lack it.
    if (path === "" || !existsSync(join(root, path))) continue;
    await mkdir(dirname(join(destination, path)), { recursive: true });
    await copyFile(join(root, path), join(destination, path));
  }
  // What `npm ci` would put there; the prepack build needs typescript from it.
  await symlink(join(root, "node_modules"), join(destination, "node_modules"), "dir");
}

/** npm pack of the copy, prepack build included; returns the tarball and the paths it holds. */
async function pack(checkout: string, destination: string): Promise<{ tarball: string; files: string[] }> {
  const result = await run("npm", ["pack", "--json", "--pack-destination", destination], checkout);
  expectSuccess("npm pack", result);
  // Lifecycle scripts may print before the JSON document.
  const report = JSON.parse(result.stdout.slice(result.stdout.indexOf("["))) as {
    filename: string;
    files: { path: string }[];
  }[];
  const packed = report[0];
  if (!packed) throw new Error(`npm pack reported nothing:\n${result.stdout}`);
  return { tarball: join(destination, packed.filename), files: packed.files.map((file) => file.path) };
}

/** Offline from the cache `npm ci` filled when it can; the registry otherwise (CI has it). */
async function installGlobally(tarball: string, prefix: string, cwd: string): Promise<void> {
  const args = ["install", "--global", "--prefix", prefix, "--no-audit", "--no-fund", tarball];
  const offline = await run("npm", [...args, "--offline"], cwd);
  if (offline.code === 0) return;
  expectSuccess(
    "npm install --global (online, after --offline failed)",
    await run("npm", [...args, "--prefer-offline"], cwd),
  );
}

function schemaErrors(schemaText: string, document: unknown): string | null {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(schemaText));
  return validate(document) ? null : ajv.errorsText(validate.errors, { separator: "\n" });
}

interface ScannedEndpoint {
  host: string;
  port: number;
  role: string;
  speaksTls: boolean;
  checks: { id: string; status: string }[];
}

let work: string;
let packed: { tarball: string; files: string[] };
let prefix: string;
/** Where the package lands in the prefix, and the unrelated directory commands run from. */
let installed: string;
let elsewhere: string;
let server: Server;
let target: { host: string; port: number };
let caFile: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "kubetls-package-"));
  const checkout = join(work, "checkout");
  await copyWorkingTree(checkout);
  packed = await pack(checkout, work);
  prefix = join(work, "prefix");
  elsewhere = join(work, "elsewhere");
  await mkdir(elsewhere);
  await installGlobally(packed.tarball, prefix, elsewhere);
  installed = join(prefix, "lib/node_modules/kubetls");

  // A kubelet-like endpoint: a cluster-CA serving certificate with its IP SAN, 401 for every request.
  const host = `${uniqueLabNetwork()}.1`;
  const ca = await mintCertificate({
    subject: { commonName: "kubernetes" },
    key: { type: "ec", curve: "P-256" },
    isCa: true,
  });
  const leaf = await mintCertificate({
    subject: { commonName: "system:node:package-test", organizations: ["system:nodes"] },
    key: { type: "ec", curve: "P-256" },
    issuer: ca,
    ipAddresses: [host],
    extendedKeyUsage: ["serverAuth"],
  });
  caFile = join(work, "ca.crt");
  await writeFile(caFile, ca.certPem);
  server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (_request, response) => {
    response.writeHead(401, { "content-type": "application/json" });
    response.end('{"kind":"Status","status":"Failure","reason":"Unauthorized","code":401}');
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the test server has no port");
  target = { host, port: address.port };
}, 600_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (work) await rm(work, { recursive: true, force: true });
});

/** What every scan of the test server must show: probes found and judged, the chain trusted. */
function expectJudgedKubelet(endpoint: ScannedEndpoint | undefined): void {
  expect(endpoint).toMatchObject({ host: target.host, port: target.port, role: "kubelet", speaksTls: true });
  const statusOf = (id: string) => endpoint?.checks.find((check) => check.id === id)?.status;
  expect(statusOf("kubelet.https")).toBe("PASS");
  expect(statusOf("kubelet.serving-cert")).toBe("PASS");
}

describe("the npm package, packed from a fresh copy and installed globally", () => {
  it("ships the build, its types, LICENSE, probes and schema, and no tests, sources, bench or maps", () => {
    const files = packed.files;
    for (const needed of [
      "LICENSE",
      "README.md",
      "package.json",
      "dist/src/cli/main.js",
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/src/pipeline/runScan.d.ts",
      "probes/benchmarks.yaml",
      "probes/kubelet-serving-cert.yaml",
      "schema/kubetls-result.schema.json",
    ]) {
      expect(files, needed).toContain(needed);
    }
    const unwanted = files.filter(
      (path) =>
        /^(test|bench|src|scripts|deploy|docs|dist\/bench)\/|\.map$|\.ts$/.test(path) &&
        !path.endsWith(".d.ts"),
    );
    expect(unwanted).toEqual([]);
  });

  it("ships the full Apache-2.0 text as LICENSE", async () => {
    const license = await readFile(join(installed, "LICENSE"), "utf8");
    expect(license).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    expect(license).toMatch(/END OF TERMS AND CONDITIONS/);
    expect(license).toMatch(/9\. Accepting Warranty or Additional Liability\./);
  });

  it("runs `kubetls --version` and `--help` from an unrelated directory", async () => {
    const bin = join(prefix, "bin/kubetls");
    const version = await run(bin, ["--version"], elsewhere);
    expectSuccess("kubetls --version", version);
    expect(version.stdout.trim()).toBe(manifest.version);
    const help = await run(bin, ["--help"], elsewhere);
    expectSuccess("kubetls --help", help);
    expect(help.stdout).toMatch(/Usage: kubetls/);
    expect(help.stdout).toMatch(/\bscan\b/);
  });

  it("scans a TLS server from an unrelated directory, its probes found, its JSON valid against the shipped schema", async () => {
    const scan = await run(
      join(prefix, "bin/kubetls"),
      [
        "scan",
        `${target.host}:${target.port}@kubelet`,
        "--ca-file",
        caFile,
        "--tls-scan",
        "off",
        "--timeout",
        "5000",
        "--format",
        "json",
        "--fail-on",
        "none",
      ],
      elsewhere,
    );
    expectSuccess("kubetls scan", scan);
    const document = JSON.parse(scan.stdout) as { endpoints: ScannedEndpoint[]; tool: { version: string } };
    expect(
      schemaErrors(await readFile(join(installed, "schema/kubetls-result.schema.json"), "utf8"), document),
    ).toBeNull();
    expect(document.tool.version).toBe(manifest.version);
    expectJudgedKubelet(document.endpoints[0]);
  });

  it("imports runScan from ESM as `kubetls`, loading neither the CLI nor commander, and scans", async () => {
    // Inside the prefix, so `kubetls` resolves from the prefix's node_modules as it would for a user.
    const consumer = join(prefix, "lib/esm-consumer");
    await mkdir(consumer, { recursive: true });
    const recorder = await writeImportRecorder(consumer);
    await writeFile(
      join(consumer, "scan.mjs"),
      `import {
  correlate,
  createTargetPlan,
  InputError,
  loadProbes,
  readKubeBenchFile,
  REPORT_FORMATS,
  REPORTERS,
  runScan,
} from "kubetls";
const [target, caFile, kubeBenchFile] = process.argv.slice(2);
const result = await runScan({
  targets: createTargetPlan({ targets: [target] }),
  trust: { caFiles: [caFile], kubeletCaFiles: [] },
  pacing: { concurrency: 4, connectionsPerSecond: null, timeoutMs: 5000 },
  tlsScan: "off",
});
const schema = import.meta.resolve("kubetls/schema/kubetls-result.schema.json");
// Operator input is refused with a coded InputError before anything is dialled.
const refused = await runScan({
  targets: createTargetPlan({ targets: [target] }),
  trust: { caFiles: [caFile], kubeletCaFiles: [] },
  pacing: { concurrency: 1, connectionsPerSecond: null, timeoutMs: 5000 },
  benchmark: "cis-9.9",
}).then(
  () => null,
  (error) => ({ inputError: error instanceof InputError, code: error.code, message: error.message }),
);
// kube-bench's verdicts joined to the wire's, as --flags does.
const correlation = correlate(result, await readKubeBenchFile(kubeBenchFile), (await loadProbes()).probes);
// The CLI's reporters, callable on the library's result.
const options = { color: false, width: 100, showClosed: false, verbose: false };
const rendered = Object.fromEntries(REPORT_FORMATS.map((format) => [format, REPORTERS[format].render(result, options)]));
process.stdout.write(JSON.stringify({ resolved: import.meta.resolve("kubetls"), schema, result, refused, rendered, correlation }));
`,
    );
    const scan = await new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        [
          "--import",
          recorder.register,
          "scan.mjs",
          `${target.host}:${target.port}@kubelet`,
          caFile,
          join(root, "test/fixtures/kube-bench/cis-1.12-node-master.json"),
        ],
        { cwd: consumer, env: { ...cleanEnv(), KUBETLS_LOADED_LOG: recorder.log }, timeout: 120_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
      );
    });
    expectSuccess("the ESM consumer", scan);
    const { resolved, schema, result, refused, rendered, correlation } = JSON.parse(scan.stdout) as {
      correlation: { benchmark: string; controls: { control: string; wireVerdict: string | null }[] };
      resolved: string;
      schema: string;
      refused: unknown;
      rendered: Record<string, string>;
      result: { endpoints: ScannedEndpoint[] };
    };
    expect(fileURLToPath(resolved)).toBe(join(installed, "dist/src/index.js"));
    // The schema is exported too, so consumers validate against the copy that matches their version.
    expect(fileURLToPath(schema)).toBe(join(installed, "schema/kubetls-result.schema.json"));
    expect(
      schemaErrors(await readFile(join(installed, "schema/kubetls-result.schema.json"), "utf8"), result),
    ).toBeNull();
    expectJudgedKubelet(result.endpoints[0]);
    expect(refused).toEqual({
      inputError: true,
      code: "KUBETLS_ERR_UNKNOWN_BENCHMARK",
      message: expect.stringMatching(/unknown benchmark "cis-9\.9"/),
    });

    // kube-bench's 4.2.9 (--tls-cert-file) meets the wire's kubelet.serving-cert PASS.
    expect(correlation.benchmark).toBe("cis-1.12");
    expect(correlation.controls.find((control) => control.control === "4.2.9")?.wireVerdict).toBe("PASS");
    expect(Object.keys(rendered)).toEqual(expect.arrayContaining(["table", "json", "sarif", "html"]));
    expect(JSON.parse(rendered.json ?? "")).toEqual(result);
    expect(JSON.parse(rendered.sarif ?? "")).toMatchObject({ version: "2.1.0" });
    expect(rendered.table).toContain(`${target.host}:${target.port}`);

    const loaded = await recorder.loaded();
    // The log is real: it saw the entry and the scanner behind it.
    expect(loaded).toContain(resolved);
    expect(loaded.some((url) => url.includes("/dist/src/pipeline/runScan.js"))).toBe(true);
    expect(loaded.filter((url) => /\/dist\/src\/cli\/|\/node_modules\/commander\//.test(url))).toEqual([]);
  });

  it("types: a TypeScript consumer compiles against the installed package (strict, library checks on)", async () => {
    const consumer = join(prefix, "lib/ts-consumer");
    await mkdir(consumer, { recursive: true });
    await writeFile(join(consumer, "package.json"), '{ "type": "module", "private": true }\n');
    await writeFile(
      join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          lib: ["ES2023"],
          types: ["node"],
          typeRoots: [join(root, "node_modules/@types")],
        },
        files: ["consumer.ts", "readme-example.ts"],
      }),
    );
    await writeFile(
      join(consumer, "consumer.ts"),
      `import {
  type CheckResult,
  type Correlation,
  createTargetPlan,
  type EndpointResult,
  runScan,
  type ScanOptions,
  type ScanResult,
} from "kubetls";

const options: ScanOptions = {
  targets: createTargetPlan({ targets: ["127.0.0.1:10250@kubelet"] }),
  trust: { caFiles: ["ca.crt"], kubeletCaFiles: [] },
  pacing: { concurrency: 8, connectionsPerSecond: null, timeoutMs: 3000 },
};
const result: ScanResult = await runScan(options);
const failing: CheckResult[] = result.endpoints.flatMap((endpoint: EndpointResult) =>
  endpoint.checks.filter((check) => check.status === "FAIL"),
);
const correlation: Correlation | undefined = result.correlation;
const failures: number = result.summary.findings.FAIL;
// The types are real, not any: each of these is an error.
// @ts-expect-error a misspelt option group
await runScan({ target: [] });
// @ts-expect-error a count is not a string
const wrong: string = result.summary.findings.FAIL;
// @ts-expect-error not a status
const status: CheckResult["status"] = "OK";
export { correlation, failing, failures, status, wrong };
`,
    );
    // The README's library example, as printed, compiles against the same types.
    const readme = await readFile(join(root, "README.md"), "utf8");
    const example = /## Use as a library\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example, "README: a ```ts block under ## Use as a library").toBeDefined();
    await writeFile(join(consumer, "readme-example.ts"), `${example}export {};\n`);
    const tsc = await run(
      process.execPath,
      [join(root, "node_modules/typescript/bin/tsc"), "-p", consumer],
      consumer,
    );
    expectSuccess("tsc against the installed kubetls types", tsc);
  });
});
