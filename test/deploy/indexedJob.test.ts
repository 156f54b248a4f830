import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { runCli } from "../support/cli.js";
import { unsupportedFlags } from "./cliFlags.js";
import { parseDockerfile, readRepoFile } from "./repository.js";

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  // biome-ignore lint/suspicious/noExplicitAny: a manifest is checked field by field below
  [field: string]: any;
}

// YAML 1.1, as Kubernetes reads manifests: `defaultMode: 0440` is octal there.
const objects = YAML.parseAllDocuments(readRepoFile("deploy/kubetls-indexed-job.yaml"), {
  version: "1.1",
}).map((document) => document.toJS() as KubeObject);
const byKind = (kind: string) => objects.filter((object) => object.kind === kind);
const job = byKind("Job")[0] as KubeObject;
const pod = job?.spec.template.spec;
const container = pod?.containers[0];
const args: string[] = container?.args ?? [];

function optionValue(...flags: string[]): string {
  const at = args.findIndex((arg) => flags.includes(arg));
  if (at === -1) throw new Error(`the Job's args have no ${flags.join("/")}`);
  return args[at + 1] as string;
}

/** The volume mounted at the deepest mountPath containing `path`. */
function mountFor(path: string) {
  const mount = (container.volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[])
    .filter((each) => path.startsWith(`${each.mountPath}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) throw new Error(`nothing is mounted over ${path}`);
  const volume = (pod.volumes as { name: string; [source: string]: unknown }[]).find(
    (each) => each.name === mount.name,
  );
  return { mount, volume };
}

describe("deploy/kubetls-indexed-job.yaml", () => {
  it("holds the targets ConfigMap, the reports claim and one Job, all valid objects", () => {
    expect(objects.map((object) => object.kind).sort()).toEqual([
      "ConfigMap",
      "Job",
      "PersistentVolumeClaim",
    ]);
    for (const object of objects) {
      expect(object.apiVersion, object.kind).toMatch(/^(v1|batch\/v1)$/);
      expect(object.metadata.name, object.kind).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    expect(job.apiVersion).toBe("batch/v1");
  });

  it("is an Indexed Job whose completions, parallelism and --shard count agree", () => {
    expect(job.spec.completionMode).toBe("Indexed");
    const shard = /^\$\(JOB_COMPLETION_INDEX\)\/(\d+)$/.exec(optionValue("--shard"));
    expect(shard, "--shard $(JOB_COMPLETION_INDEX)/N").not.toBeNull();
    const shards = Number(shard?.[1]);
    expect(job.spec.completions).toBe(shards);
    expect(job.spec.parallelism).toBe(shards);
    expect(shards).toBe(4);
    expect(pod.restartPolicy).toBe("Never");
  });

  it("takes JOB_COMPLETION_INDEX from the completion-index annotation, and every $(VAR) it uses is set", () => {
    const env = container.env as { name: string; valueFrom?: { fieldRef?: { fieldPath?: string } } }[];
    expect(env.find((each) => each.name === "JOB_COMPLETION_INDEX")?.valueFrom?.fieldRef?.fieldPath).toBe(
      "metadata.annotations['batch.kubernetes.io/job-completion-index']",
    );
    const used = args.flatMap((arg) => [...arg.matchAll(/\$\((\w+)\)/g)].map((match) => match[1]));
    for (const name of used) expect(env.map((each) => each.name)).toContain(name);
  });

  it("runs kubetls scan writing one JSON report per index, findings not counted as failures", () => {
    expect(args[0]).toBe("scan");
    expect(optionValue("--format")).toBe("json");
    expect(optionValue("-o", "--output")).toMatch(/\/shard-\$\(JOB_COMPLETION_INDEX\)\.json$/);
    expect(optionValue("--fail-on")).toBe("none");
    expect(job.spec.podFailurePolicy.rules[0].onExitCodes.containerName).toBe(container.name);
  });

  it("reads targets from the ConfigMap it ships, read-only", () => {
    const targetsFile = optionValue("-f", "--targets-file");
    const { mount, volume } = mountFor(targetsFile);
    expect(mount.readOnly).toBe(true);
    const configMapName = (volume?.configMap as { name?: string } | undefined)?.name;
    const configMap = byKind("ConfigMap").find((object) => object.metadata.name === configMapName);
    expect(configMap, `ConfigMap ${configMapName}`).toBeDefined();
    expect(Object.keys(configMap?.data ?? {})).toContain(targetsFile.slice(mount.mountPath.length + 1));
  });

  it("ships example targets the scanner accepts", async () => {
    const configMap = byKind("ConfigMap")[0] as KubeObject;
    const file = join(mkdtempSync(join(tmpdir(), "kubetls-job-")), "targets.txt");
    writeFileSync(file, configMap.data["targets.txt"]);
    const run = await runCli(["scan", "-f", file, "--dry-run"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n").length).toBeGreaterThan(0);
  });

  it("presents the CA and client pair from a Secret mounted read-only, group-readable only", () => {
    const paths = [optionValue("--ca-file"), optionValue("--client-cert"), optionValue("--client-key")];
    const secrets = new Set<string>();
    for (const path of paths) {
      const { mount, volume } = mountFor(path);
      expect(mount.readOnly, path).toBe(true);
      const secret = volume?.secret as { secretName: string; defaultMode?: number } | undefined;
      expect(secret, `${path} comes from a Secret`).toBeDefined();
      expect(secret?.defaultMode).toBe(0o440);
      secrets.add(secret?.secretName as string);
    }
    expect(secrets.size).toBe(1);
  });

  it("writes reports to a writable volume the file defines, and /tmp to an emptyDir", () => {
    const { mount, volume } = mountFor(optionValue("-o", "--output"));
    expect(mount.readOnly).not.toBe(true);
    const claim = (volume?.persistentVolumeClaim as { claimName: string } | undefined)?.claimName;
    if (claim !== undefined) {
      expect(byKind("PersistentVolumeClaim").map((object) => object.metadata.name)).toContain(claim);
    } else {
      expect(volume?.emptyDir).toBeDefined();
    }
    expect(mountFor("/tmp/x").volume?.emptyDir).toBeDefined();
  });

  it("is hardened: non-root, read-only root, no capabilities, RuntimeDefault seccomp, no token, bounded", () => {
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(container.securityContext.capabilities.add).toBeUndefined();
    expect(container.securityContext.privileged ?? false).toBe(false);
    for (const kind of ["requests", "limits"]) {
      expect(container.resources[kind].cpu, kind).toBeDefined();
      expect(container.resources[kind].memory, kind).toBeDefined();
    }
  });

  it("runs as the image's own numeric user, with the image the package version tags", () => {
    const user = parseDockerfile(readRepoFile("Dockerfile"))
      .filter((instruction) => instruction.keyword === "USER")
      .at(-1)?.value;
    expect(`${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`).toBe(user);
    const { version } = JSON.parse(readRepoFile("package.json")) as { version: string };
    expect(container.image).toBe(`kubetls:${version}`);
  });

  it("uses only flags the built CLI accepts", async () => {
    expect(await unsupportedFlags([{ where: "deploy/kubetls-indexed-job.yaml", args }])).toEqual([]);
  });

  it("says how to merge the shards, in the manifest and the README", () => {
    expect(readRepoFile("deploy/kubetls-indexed-job.yaml")).toContain("kubetls merge shard-*.json");
    expect(readRepoFile("deploy/README.md")).toContain("kubetls merge shard-*.json");
  });
});
