import { DEFAULT_ROLE_PORTS, type RolePorts } from "./ports.js";
import type { Shard } from "./shard.js";

/** Everything that decides which endpoints a scan visits, grouped in one value the CLI builds from flags. */
export interface TargetPlan extends RolePorts {
  /** Positional targets, as typed. */
  targets: string[];
  /** `-f FILE` paths in order; `-` is standard input. */
  targetFiles: string[];
  /** `--exclude` values; each may hold several entries separated by commas or spaces. */
  exclude: string[];
  /** `--allow-large`: lift the per-expression size guard. */
  allowLarge: boolean;
  /** `--shard I/N`: only endpoints whose host falls in shard I of N. */
  shard?: Shard;
  /** What `-` reads; process.stdin unless a caller (or a test) supplies another stream. */
  stdin?: NodeJS.ReadableStream;
}

/** A plan with the default port lists and nothing else set, overridden by `fields`. */
export function createTargetPlan(fields: Partial<TargetPlan> = {}): TargetPlan {
  return {
    targets: [],
    targetFiles: [],
    exclude: [],
    allowLarge: false,
    kubeletPorts: [...DEFAULT_ROLE_PORTS.kubeletPorts],
    readonlyPorts: [...DEFAULT_ROLE_PORTS.readonlyPorts],
    apiserverPorts: [...DEFAULT_ROLE_PORTS.apiserverPorts],
    ...fields,
  };
}
