import { type RolePorts, rolePortsWith } from "../roles/index.js";
import type { Shard } from "./shard.js";

/** Everything that decides which endpoints a scan visits, grouped in one value the CLI builds from flags. */
export interface TargetPlan {
  /** The ports each role is scanned on for a host without an explicit port; an empty list disables the role. */
  ports: RolePorts;
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

/** What createTargetPlan takes: any field of a plan; `ports` names only the roles whose lists change. */
export type TargetPlanFields = Partial<Omit<TargetPlan, "ports">> & { ports?: Partial<RolePorts> };

/** A plan with the default port lists and nothing else set, overridden by `fields`. */
export function createTargetPlan(fields: TargetPlanFields = {}): TargetPlan {
  return {
    targets: [],
    targetFiles: [],
    exclude: [],
    allowLarge: false,
    ...fields,
    ports: rolePortsWith(fields.ports ?? {}),
  };
}
