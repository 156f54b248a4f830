import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

export const run = promisify(execFile);

export interface Pem {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
  /** DER of the certificate, as a server would send it. */
  der: Buffer;
}

export interface TestPki {
  dir: string;
  /** Client CA, subject `/O=kubetls test/CN=kubernetes`. */
  clientCa: Pem;
  /** A second client CA, subject `/CN=front-proxy-ca`. */
  otherCa: Pem;
  /** Serving CA and an RSA leaf it issued. */
  servingCa: Pem;
  rsaLeaf: Pem;
  /** Self-signed ECDSA P-256. */
  ecdsa: Pem;
  cleanup(): void;
}

function derOf(pem: string): Buffer {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  return Buffer.from(body, "base64");
}

function load(dir: string, name: string): Pem {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  const cert = readFileSync(certPath, "utf8");
  return { cert, key: readFileSync(keyPath, "utf8"), certPath, keyPath, der: derOf(cert) };
}

async function selfSigned(dir: string, name: string, subject: string, keyArgs: string[]): Promise<Pem> {
  await run("openssl", [
    "req",
    "-x509",
    "-nodes",
    ...keyArgs,
    "-keyout",
    join(dir, `${name}.key`),
    "-out",
    join(dir, `${name}.pem`),
    "-days",
    "2",
    "-subj",
    subject,
  ]);
  return load(dir, name);
}

/** Certificates from the openssl CLI, generated fresh into a temp dir. */
export async function makePki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), "kubetls-hello-"));
  const rsa = ["-newkey", "rsa:2048"];
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
  const [clientCa, otherCa, servingCa, ecdsa] = await Promise.all([
    selfSigned(dir, "client-ca", "/O=kubetls test/CN=kubernetes", ec),
    selfSigned(dir, "other-ca", "/CN=front-proxy-ca", ec),
    selfSigned(dir, "serving-ca", "/CN=serving-ca", rsa),
    selfSigned(dir, "ecdsa", "/CN=ecdsa.test", ec),
  ]);
  await run("openssl", [
    "req",
    "-new",
    "-nodes",
    ...rsa,
    "-keyout",
    join(dir, "rsa-leaf.key"),
    "-out",
    join(dir, "rsa-leaf.csr"),
    "-subj",
    "/CN=rsa.test",
  ]);
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=DNS:rsa.test,IP:127.0.0.1\n");
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    join(dir, "rsa-leaf.csr"),
    "-CA",
    servingCa.certPath,
    "-CAkey",
    servingCa.keyPath,
    "-CAcreateserial",
    "-out",
    join(dir, "rsa-leaf.pem"),
    "-days",
    "2",
    "-extfile",
    join(dir, "ext.cnf"),
  ]);
  return {
    dir,
    clientCa,
    otherCa,
    servingCa,
    rsaLeaf: load(dir, "rsa-leaf"),
    ecdsa,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let nextAddress = 0;
/** A fresh loopback address per server, so tests never fight over one port space. */
export function loopbackAddress(): string {
  nextAddress += 1;
  return `127.0.${40 + (process.pid % 100)}.${(nextAddress % 250) + 1}`;
}

export function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : 0);
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

async function freePort(host: string): Promise<number> {
  const probe = createServer();
  const port = await listen(probe, host);
  await close(probe);
  return port;
}

export interface OpenSslServer {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** `openssl s_server` on a loopback address; resolves once it accepts connections. */
export async function startOpenSslServer(args: string[]): Promise<OpenSslServer> {
  const host = loopbackAddress();
  const port = await freePort(host);
  const child: ChildProcess = spawn("openssl", ["s_server", "-accept", `${host}:${port}`, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s_server did not start: ${output}`)), 10_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes("ACCEPT")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`s_server exited ${code}: ${output}`));
    });
  });
  child.removeAllListeners("exit");
  return {
    host,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Runs `openssl s_client` with stdin at EOF (so it hangs up after the handshake); resolves its stdout. */
export function sClient(
  args: string[],
  timeoutMs = 10_000,
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn("openssl", ["s_client", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.resume();
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

/** Maps the local OpenSSL's cipher names to IANA codes, from `openssl ciphers -V`. */
export async function openSslCipherCodes(): Promise<Map<string, number>> {
  const { stdout } = await run("openssl", ["ciphers", "-V", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"]);
  const codes = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    const match = /0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)/.exec(line);
    if (match?.[1] && match[2] && match[3]) codes.set(match[3], Number.parseInt(match[1] + match[2], 16));
  }
  return codes;
}
