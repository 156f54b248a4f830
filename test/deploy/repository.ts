import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

export function readRepoFile(path: string): string {
  return readFileSync(join(ROOT, path), "utf8");
}

export interface DockerInstruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  value: string;
  stage: number;
}

/** Dockerfile instructions in order, `\` continuations joined, comments dropped, each tagged with its stage. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = "";
  }
  let stage = -1;
  return logical.map((line) => {
    const match = /^(\S+)\s*(.*)$/.exec(line) as RegExpExecArray;
    const keyword = (match[1] as string).toUpperCase();
    if (keyword === "FROM") stage += 1;
    return { keyword, value: match[2] as string, stage };
  });
}

/**
 * Whether .dockerignore sends `path` to the daemon: the last matching rule wins, and a rule that matches a
 * parent directory matches everything under it (Docker's semantics for the patterns used here).
 */
export function includedInContext(dockerignore: string, path: string): boolean {
  const rules = dockerignore
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => ({
      exclude: !line.startsWith("!"),
      pattern: globToRegExp(line.replace(/^!/, "").replace(/^\/+|\/+$/g, "")),
    }));
  const parts = path.replace(/^\.\/|\/+$/g, "").split("/");
  const prefixes = parts.map((_, index) => parts.slice(0, index + 1).join("/"));
  let included = true;
  for (const rule of rules) {
    if (prefixes.some((prefix) => rule.pattern.test(prefix))) included = !rule.exclude;
  }
  return included;
}

function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i] as string;
    if (char === "*" && glob[i + 1] === "*") {
      source += ".*";
      i += 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}
