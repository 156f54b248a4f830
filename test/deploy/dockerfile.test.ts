import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type DockerInstruction,
  includedInContext,
  parseDockerfile,
  ROOT,
  readRepoFile,
} from "./repository.js";

const instructions = parseDockerfile(readRepoFile("Dockerfile"));
const dockerignore = readRepoFile(".dockerignore");
const lastStage = Math.max(...instructions.map((instruction) => instruction.stage));
const inStage = (stage: number, keyword: string): DockerInstruction[] =>
  instructions.filter((instruction) => instruction.stage === stage && instruction.keyword === keyword);
const runtime = (keyword: string) => inStage(lastStage, keyword);

/** `COPY [--from=x] [--chown=..] src... dest` as { from, sources, destination }. */
function copyOf(instruction: DockerInstruction) {
  const words = instruction.value.split(/\s+/);
  const from = words.find((word) => word.startsWith("--from="))?.slice("--from=".length) ?? null;
  const paths = words.filter((word) => !word.startsWith("--"));
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1) as string };
}

describe("Dockerfile", () => {
  it("is multi-stage on a pinned Node 20 bookworm-slim tag", () => {
    const froms = instructions.filter((instruction) => instruction.keyword === "FROM");
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const baseArg = instructions.find(
      (instruction) => instruction.keyword === "ARG" && instruction.stage === -1,
    )?.value;
    expect(baseArg).toMatch(/^NODE_IMAGE=node:20\.\d+-bookworm-slim$/);
    for (const from of froms) expect(from.value).toMatch(/^\$\{NODE_IMAGE\} AS \w+$/);
  });

  it("installs with npm ci, builds, and prunes dev dependencies before the runtime copies node_modules", () => {
    const runs = instructions.filter(
      (instruction) => instruction.keyword === "RUN" && instruction.stage < lastStage,
    );
    const script = runs.map((run) => run.value).join(" && ");
    expect(script).toMatch(/npm ci\b/);
    expect(script).toMatch(/npm run build/);
    expect(script).toMatch(/npm prune --omit=dev/);
    expect(script.indexOf("npm run build")).toBeLessThan(script.indexOf("npm prune"));
  });

  it("hands npm ci the EXTRA_CA_CERTS build argument, in the build stage only", () => {
    const declaredIn = instructions
      .filter(
        (instruction) => instruction.keyword === "ARG" && instruction.value.startsWith("EXTRA_CA_CERTS"),
      )
      .map((instruction) => instruction.stage);
    expect(declaredIn).toEqual([0]);
    const install = inStage(0, "RUN").find((run) => /npm ci\b/.test(run.value))?.value ?? "";
    // Only when given: an empty NODE_EXTRA_CA_CERTS file makes node warn on every start.
    expect(install).toMatch(
      /if \[ -n "\$EXTRA_CA_CERTS" \]; then .*export NODE_EXTRA_CA_CERTS=(\S+);.*fi.*npm ci/,
    );
    expect(runtime("ARG")).toEqual([]);
    expect(
      runtime("ENV")
        .map((env) => env.value)
        .join(" "),
    ).not.toMatch(/EXTRA_CA|NODE_EXTRA_CA_CERTS/);
  });

  it("ships the built CLI, probes/, schema/ and the production modules in the runtime stage", () => {
    const destinations = runtime("COPY").map((instruction) => copyOf(instruction).destination);
    for (const needed of [
      "./dist/src",
      "./dist/probes-documents.json",
      "./probes",
      "./schema",
      "./node_modules",
      "./package.json",
    ]) {
      expect(destinations).toContain(needed);
    }
    expect(runtime("WORKDIR").at(-1)?.value).toBe("/app");
  });

  it("runs as a numeric non-root user, so Kubernetes' runAsNonRoot can verify it", () => {
    const user = runtime("USER").at(-1)?.value ?? "";
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(":")[0])).toBeGreaterThan(0);
  });

  it("has ENTRYPOINT node dist/src/cli/main.js, a path the build produces", () => {
    const entrypoint = JSON.parse(runtime("ENTRYPOINT").at(-1)?.value ?? "null") as string[];
    expect(entrypoint).toEqual(["node", "dist/src/cli/main.js"]);
    // WORKDIR /app in the image is the repository root here: COPY dist/src ./dist/src.
    expect(existsSync(join(ROOT, entrypoint[1] as string)), "run npm run build first").toBe(true);
    for (const dir of ["probes", "schema"]) expect(existsSync(join(ROOT, dir))).toBe(true);
  });

  it("copies from the build context only what exists and what .dockerignore lets through", () => {
    const fromContext = instructions
      .filter((instruction) => instruction.keyword === "COPY")
      .map(copyOf)
      .filter((copy) => copy.from === null)
      .flatMap((copy) => copy.sources);
    expect(fromContext.length).toBeGreaterThan(0);
    for (const source of fromContext) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(includedInContext(dockerignore, source), `${source} is excluded by .dockerignore`).toBe(true);
    }
  });

  it("keeps keys, git history, local modules and builds out of the build context", () => {
    for (const path of [
      "certs",
      "certs/ca.key",
      "certs/kind/apiserver-kubelet-client.key",
      ".git",
      "node_modules",
      "dist",
      "test",
      ".kubetls-lab",
      "deploy",
    ]) {
      expect(includedInContext(dockerignore, path), path).toBe(false);
    }
  });

  it("prunes nothing the built code imports: every package src/ imports is a production dependency", () => {
    const { dependencies } = JSON.parse(readRepoFile("package.json")) as {
      dependencies: Record<string, string>;
    };
    const sources = readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" }).filter((file) =>
      file.endsWith(".ts"),
    );
    const imported = new Set<string>();
    for (const file of sources) {
      const text = readFileSync(join(ROOT, "src", file), "utf8");
      const specifiers = [
        ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"/gm),
        ...text.matchAll(/^\s*import\s*"([^"]+)"/gm),
        ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
      ].map((match) => match[1] as string);
      for (const specifier of specifiers) {
        if (specifier.startsWith(".") || specifier.startsWith("node:")) continue;
        const parts = specifier.split("/");
        imported.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string));
      }
    }
    expect(imported.size).toBeGreaterThan(0);
    for (const name of imported) expect(Object.keys(dependencies), name).toContain(name);
  });
});
