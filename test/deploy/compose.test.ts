import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { type Lab, startLab } from "../../src/lab/index.js";
import { mintUntrustedClientIdentity } from "../../src/x509/index.js";
import { runCli, uniqueLabNetwork } from "../support/cli.js";
import { type Invocation, unsupportedFlags } from "./cliFlags.js";
import { parseDockerfile, ROOT, readRepoFile } from "./repository.js";

interface ComposeVolume {
  type?: string;
  source?: string;
  target?: string;
  read_only?: boolean;
}

interface ComposeService {
  build?: string | { context?: string; dockerfile?: string };
  image?: string;
  profiles?: string[];
  networks?: string[] | Record<string, unknown>;
  network_mode?: string;
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: (string | ComposeVolume)[];
  command?: string | string[];
  entrypoint?: string | string[];
  healthcheck?: { test?: string | string[] };
  restart?: string;
  read_only?: boolean;
  cap_drop?: string[];
  cap_add?: string[];
  security_opt?: string[];
  privileged?: boolean;
  user?: string;
}

interface ComposeFile {
  name?: string;
  version?: unknown;
  services: Record<string, ComposeService>;
  networks?: Record<string, { external?: boolean } | null>;
  volumes?: Record<string, unknown>;
}

const COMPOSE_TEXT = readRepoFile("docker-compose.yml");
const compose = YAML.parse(COMPOSE_TEXT, { merge: true }) as ComposeFile;
const services = Object.entries(compose.services);
const PROFILES = ["lab", "kind"];

/*
 * Bind mounts whose source is not in the repository: who creates it, and the document that says so. The
 * test checks that document really mentions the path.
 */
const CREATED_OUTSIDE: Record<string, { by: string; documentedIn: string }> = {
  "./certs/kind": {
    by: "the user: docker cp kind-control-plane:/etc/kubernetes/pki/... certs/kind/",
    documentedIn: "certs/README.md",
  },
};

/** Compose's `${VAR:-default}` with its default; any other interpolation would be a surprise here. */
function withDefaults(value: string): string {
  const expanded = value.replace(/\$\{[A-Z_][A-Z0-9_]*:-([^}]*)\}/g, "$1");
  if (/\$(?!\$)/.test(expanded)) throw new Error(`unexpected interpolation in "${value}"`);
  return expanded;
}

function commandOf(name: string): string[] {
  const command = compose.services[name]?.command;
  if (!Array.isArray(command)) throw new Error(`${name}: command must be an argv list, not a shell string`);
  return command.map(withDefaults);
}

function optionValue(args: readonly string[], ...flags: string[]): string | undefined {
  const at = args.findIndex((arg) => flags.includes(arg));
  return at === -1 ? undefined : args[at + 1];
}

interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
  bind: boolean;
}

function mountsOf(service: ComposeService): Mount[] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume === "string") {
      const [source = "", target = "", mode = ""] = volume.split(":");
      return {
        source,
        target,
        readOnly: mode.split(",").includes("ro"),
        bind: source.startsWith(".") || source.startsWith("/"),
      };
    }
    return {
      source: volume.source ?? "",
      target: volume.target ?? "",
      readOnly: volume.read_only === true,
      bind: volume.type === "bind",
    };
  });
}

function networksOf(service: ComposeService): string[] {
  if (!service.networks) return [];
  return Array.isArray(service.networks) ? service.networks : Object.keys(service.networks);
}

function dependenciesOf(service: ComposeService): [string, string | undefined][] {
  if (!service.depends_on) return [];
  if (Array.isArray(service.depends_on)) return service.depends_on.map((name) => [name, undefined]);
  return Object.entries(service.depends_on).map(([name, spec]) => [name, spec?.condition]);
}

describe("docker-compose.yml", () => {
  it("is a compose-spec file Debian's docker-compose 1.29 accepts: no version, no name, only known keys", () => {
    expect(compose.version).toBeUndefined();
    // 1.29's schema has no top-level `name` ("Additional properties are not allowed").
    expect(compose.name).toBeUndefined();
    for (const key of Object.keys(compose)) {
      expect(
        ["services", "networks", "volumes", "configs", "secrets"].includes(key) || key.startsWith("x-"),
        key,
      ).toBe(true);
    }
  });

  it("builds on the host network, with NODE_IMAGE and EXTRA_CA_CERTS from the environment or the Dockerfile's defaults", () => {
    const dockerArgs = new Map(
      parseDockerfile(readRepoFile("Dockerfile"))
        .filter((instruction) => instruction.keyword === "ARG")
        .map((instruction) => {
          const [name = "", value = ""] = instruction.value.split(/=(.*)/s);
          return [name, value.replace(/^"(.*)"$/, "$1")] as const;
        }),
    );
    for (const [name, service] of services) {
      const build = service.build as { network?: string; args?: Record<string, string> };
      // A dockerd run with --ip-masq=false gives bridge containers no route out, and npm ci needs one.
      expect(build.network, name).toBe("host");
      expect(Object.keys(build.args ?? {}), name).toEqual(["NODE_IMAGE", "EXTRA_CA_CERTS"]);
      for (const [arg, value] of Object.entries(build.args ?? {})) {
        // ${ARG:-default}: a bare `- ARG` that is unset reaches docker-compose 1.29's build as "".
        expect(value, `${name}: ${arg}`).toBe(`\${${arg}:-${dockerArgs.get(arg)}}`);
      }
    }
  });

  it("exits 0 when the scans and merges ran: --fail-on none on every kubetls run (the findings are the output)", () => {
    for (const name of ["scan", "report-lab", "scan-kind", "report-kind"])
      expect(optionValue(commandOf(name), "--fail-on"), name).toBe("none");
  });

  it("gives every service an image to run, and every build context holds the Dockerfile it names", () => {
    for (const [name, service] of services) {
      expect(service.build !== undefined || service.image !== undefined, name).toBe(true);
      if (service.build === undefined) continue;
      const context = typeof service.build === "string" ? service.build : (service.build.context ?? ".");
      const dockerfile =
        typeof service.build === "string" ? "Dockerfile" : (service.build.dockerfile ?? "Dockerfile");
      expect(existsSync(join(ROOT, context)), `${name}: context ${context}`).toBe(true);
      expect(existsSync(join(ROOT, context, dockerfile)), `${name}: ${context}/${dockerfile}`).toBe(true);
    }
  });

  it("puts every service in the lab or kind profile, so nothing starts without one", () => {
    for (const [name, service] of services) {
      expect(service.profiles?.length, name).toBeGreaterThan(0);
      for (const profile of service.profiles ?? [])
        expect(PROFILES, `${name}: ${profile}`).toContain(profile);
    }
    for (const profile of PROFILES) {
      expect(
        services.some(([, service]) => service.profiles?.includes(profile)),
        profile,
      ).toBe(true);
    }
  });

  it("declares no network: each service names its namespace, kind's network by name for scan-kind only", () => {
    // docker-compose 1.29 checks every external network of the file on any `run`, whatever the profile:
    // a top-level external `kind` would make the lab profile fail wherever no kind cluster was set up.
    expect(compose.networks).toBeUndefined();
    for (const [name, service] of services) {
      expect(networksOf(service), name).toEqual([]);
      expect(service.network_mode, name).toBeDefined();
    }
    expect(compose.services["scan-kind"]?.network_mode).toBe("kind");
  });

  it("declares every named volume it uses, and uses every one it declares", () => {
    const used = new Set<string>();
    for (const [name, service] of services) {
      for (const mount of mountsOf(service).filter((each) => !each.bind)) {
        expect(compose.volumes && mount.source in compose.volumes, `${name}: volume ${mount.source}`).toBe(
          true,
        );
        used.add(mount.source);
      }
    }
    expect(new Set(Object.keys(compose.volumes ?? {}))).toEqual(used);
  });

  it("points network_mode service:X and depends_on at services that exist, with conditions they can meet", () => {
    for (const [name, service] of services) {
      const mode = service.network_mode;
      if (mode?.startsWith("service:")) {
        const target = compose.services[mode.slice("service:".length)];
        expect(target, `${name}: ${mode}`).toBeDefined();
        expect(target?.profiles, `${name} shares a namespace with a service of its profile`).toEqual(
          service.profiles,
        );
      } else if (mode !== undefined) {
        // none, or kind's own network (by name) for the kind scan; never the host's or the default bridge.
        expect(name === "scan-kind" ? ["kind"] : ["none"], `${name}: ${mode}`).toContain(mode);
      }
      for (const [dependency, condition] of dependenciesOf(service)) {
        const target = compose.services[dependency];
        expect(target, `${name} depends on ${dependency}`).toBeDefined();
        expect(
          target?.profiles?.some((profile) => service.profiles?.includes(profile)),
          `${name} and ${dependency} share a profile`,
        ).toBe(true);
        if (condition === "service_healthy")
          expect(target?.healthcheck, `${dependency} needs a healthcheck`).toBeDefined();
        if (condition !== undefined) {
          expect(["service_started", "service_healthy", "service_completed_successfully"]).toContain(
            condition,
          );
        }
      }
    }
  });

  it("bind-mounts only paths that exist or that a document says who creates", () => {
    for (const [name, service] of services) {
      for (const mount of mountsOf(service).filter((each) => each.bind)) {
        if (existsSync(join(ROOT, mount.source))) continue;
        const known = CREATED_OUTSIDE[mount.source];
        expect(known, `${name}: ${mount.source} neither exists nor is documented`).toBeDefined();
        if (known) expect(readRepoFile(known.documentedIn)).toContain(mount.source.replace(/^\.\//, ""));
        expect(mount.readOnly, `${name}: ${mount.source} holds keys: mount it read-only`).toBe(true);
      }
    }
  });

  it("hardens every service: no restarts, read-only root, no capabilities, no privilege gain", () => {
    for (const [name, service] of services) {
      expect(service.restart, name).toBe("no");
      expect(service.read_only, name).toBe(true);
      expect(service.cap_drop, name).toEqual(["ALL"]);
      expect(service.cap_add, name).toBeUndefined();
      expect(service.security_opt, name).toContain("no-new-privileges:true");
      expect(service.privileged, name).toBeUndefined();
      expect(service.user, name).toBeUndefined(); // the image's numeric non-root USER applies
    }
  });

  it("mounts every named volume where the image created the directory for its non-root user", () => {
    const instructions = parseDockerfile(readRepoFile("Dockerfile"));
    const runtimeStage = Math.max(...instructions.map((instruction) => instruction.stage));
    const runtimeRuns = instructions
      .filter((instruction) => instruction.stage === runtimeStage && instruction.keyword === "RUN")
      .map((instruction) => instruction.value)
      .join(" ");
    const user = instructions.filter((instruction) => instruction.keyword === "USER").at(-1)?.value ?? "";
    for (const [name, service] of services) {
      for (const mount of mountsOf(service).filter((each) => !each.bind && !each.readOnly)) {
        expect(runtimeRuns, `${name}: ${mount.target} must exist in the image`).toMatch(
          new RegExp(`mkdir -p [^&]*${mount.target}\\b`),
        );
        expect(runtimeRuns, `${name}: ${mount.target} must belong to ${user}`).toMatch(
          new RegExp(`chown ${user} [^&]*${mount.target}\\b`),
        );
      }
    }
  });

  it("runs kubetls subcommands as argv lists, through the image's ENTRYPOINT", () => {
    for (const [name, service] of services) {
      expect(service.entrypoint, name).toBeUndefined();
      expect(() => commandOf(name), name).not.toThrow();
    }
  });

  it("uses only subcommands and flags the built CLI accepts", async () => {
    const invocations: Invocation[] = services.map(([name]) => ({
      where: `docker-compose.yml ${name}`,
      args: commandOf(name),
    }));
    expect(await unsupportedFlags(invocations)).toEqual([]);
  }, 180_000); // one `--help` per subcommand, each a CLI start-up: slow on a loaded 2-core box

  it("wires the lab to the scan: one namespace, the CA and targets the lab writes, the report the table reads", () => {
    const lab = commandOf("lab");
    const scan = commandOf("scan");
    const table = commandOf("report-lab");
    expect(compose.services.lab?.network_mode).toBe("none");
    expect(compose.services.scan?.network_mode).toBe("service:lab");
    expect(compose.services.scan?.depends_on).toEqual({ lab: { condition: "service_healthy" } });
    expect(compose.services["report-lab"]?.depends_on).toEqual({
      scan: { condition: "service_completed_successfully" },
    });

    const caOut = optionValue(lab, "--ca-out") as string;
    const targetsOut = optionValue(lab, "--targets-out") as string;
    expect(optionValue(scan, "--ca-file")).toBe(caOut);
    expect(optionValue(scan, "-f", "--targets-file")).toBe(targetsOut);
    const shared = mountsOf(compose.services.lab as ComposeService).find((mount) =>
      caOut.startsWith(`${mount.target}/`),
    );
    expect(shared, "the lab writes its CA into a volume").toBeDefined();
    expect(targetsOut.startsWith(`${shared?.target}/`)).toBe(true);
    expect(mountsOf(compose.services.scan as ComposeService)).toContainEqual({ ...shared, readOnly: true });

    const report = optionValue(scan, "-o", "--output") as string;
    expect(optionValue(scan, "--format")).toBe("json");
    expect(table[1]).toBe(report);
    expect(optionValue(table, "--format")).toBe("table");
    for (const name of ["scan", "report-lab"]) {
      expect(
        mountsOf(compose.services[name] as ComposeService).some((mount) => mount.source === "reports"),
      ).toBe(true);
    }
  });

  it("scans kind with its CA and the API server's kubelet-client pair, from the read-only certs mount", () => {
    const scanKind = commandOf("scan-kind");
    const certs = mountsOf(compose.services["scan-kind"] as ComposeService).find((mount) => mount.bind);
    expect(certs).toMatchObject({ source: "./certs/kind", readOnly: true });
    expect(optionValue(scanKind, "--ca-file")).toBe(`${certs?.target}/ca.crt`);
    expect(optionValue(scanKind, "--client-cert")).toBe(`${certs?.target}/apiserver-kubelet-client.crt`);
    expect(optionValue(scanKind, "--client-key")).toBe(`${certs?.target}/apiserver-kubelet-client.key`);
    expect(optionValue(commandOf("report-kind"), "--format")).toBe("table");
    expect(commandOf("report-kind")[1]).toBe(optionValue(scanKind, "-o", "--output"));
  });

  it("scans kind ranges the size guard accepts without --allow-large, and never the Docker host", async () => {
    const scanKind = commandOf("scan-kind");
    expect(scanKind).not.toContain("--allow-large");
    const targets = scanKind.slice(
      1,
      scanKind.findIndex((arg) => arg.startsWith("-")),
    );
    expect(targets).toEqual(["172.18.0.0/24", "fc00:f853:ccd:e793::/120"]);
    const excludes = scanKind.flatMap((arg, index) => (arg === "--exclude" ? [scanKind[index + 1]] : []));
    // kind's network gateways: the host's own addresses on the kind bridge.
    expect(excludes).toEqual(["172.18.0.1", "fc00:f853:ccd:e793::1"]);
    const run = await runCli([
      "scan",
      ...targets,
      ...excludes.flatMap((each) => ["--exclude", each as string]),
      "--dry-run",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    // 255 IPv4 + 255 IPv6 addresses, each on every default port of every role.
    const portsPerHost = (await runCli(["scan", "172.18.0.2", "--dry-run"])).stdout.trim().split("\n").length;
    expect(portsPerHost).toBeGreaterThanOrEqual(3);
    expect(lines).toHaveLength((255 + 255) * portsPerHost);
    expect(lines.filter((line) => /^(172\.18\.0\.1|\[fc00:f853:ccd:e793::1\]):/.test(line))).toEqual([]);
    expect(lines).toContain("172.18.0.2:10250 kubelet");
  });

  /*
   * `config` needs no engine. Compose v2 and docker-compose 1.29 each, when installed (composeLab.test.ts
   * installs 1.29 on a root machine); without either the static checks above stand in.
   */
  const composes: [string, string[]][] = [
    ["Compose v2", ["docker", "compose"]],
    ["docker-compose 1.29", ["docker-compose"]],
  ];
  for (const [label, [command, ...prefix]] of composes) {
    it(`validates with ${label}'s \`config\` when it is installed`, (context) => {
      const probe = spawnSync(command as string, [...prefix, "version"], { encoding: "utf8" });
      context.skip(probe.status !== 0, `${label} not installed: static checks only`);
      for (const profile of PROFILES) {
        const run = spawnSync(
          command as string,
          [...prefix, "-f", "docker-compose.yml", "--profile", profile, "config", "-q"],
          // The kind profile's bind mount need not exist for `config`; no interpolation variable is set.
          { cwd: ROOT, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } },
        );
        expect(run.stderr, profile).toBe("");
        expect(run.status, profile).toBe(0);
      }
    });
  }
});

/*
 * The lab's healthcheck, run for real against a lab on another 127.x block: healthy only when the CA file
 * on the volume validates the chain the lab serves, so a stale CA from an earlier run never passes.
 */
describe("the lab service's healthcheck", () => {
  let lab: Lab;
  let shared: string;
  const network = uniqueLabNetwork();
  const test = compose.services.lab?.healthcheck?.test as string[];

  function runHealthcheck(): Promise<number> {
    const script = (test[3] as string)
      .replaceAll("/shared/", `${shared}/`)
      .replaceAll("127.10.0.", `${network}.`);
    return new Promise((resolve) => {
      execFile(process.execPath, ["-e", script], { timeout: 20_000 }, (error) =>
        resolve(error ? (typeof error.code === "number" ? error.code : -1) : 0),
      );
    });
  }

  beforeAll(async () => {
    lab = await startLab({ network });
    shared = mkdtempSync(join(tmpdir(), "kubetls-shared-"));
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it("is node, run in the image, probing the address the lab's --network gives its first posture", () => {
    expect(test.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
    expect(optionValue(commandOf("lab"), "--network")).toBe("127.10.0");
    expect(test[3]).toContain("host:'127.10.0.1',port:10250");
  });

  it("fails before the lab has written its files", async () => {
    expect(await runHealthcheck()).not.toBe(0);
  });

  it("passes once the lab's CA and targets are on the volume", async () => {
    writeFileSync(join(shared, "lab-ca.crt"), lab.pki.clusterCa.certPem);
    writeFileSync(join(shared, "lab-targets.txt"), `${lab.targetRange}\n`);
    expect(await runHealthcheck()).toBe(0);
  });

  it("fails with a CA from another run", async () => {
    writeFileSync(join(shared, "lab-ca.crt"), (await mintUntrustedClientIdentity()).ca.certPem);
    writeFileSync(join(shared, "lab-targets.txt"), `${lab.targetRange}\n`);
    expect(await runHealthcheck()).not.toBe(0);
  });
});
