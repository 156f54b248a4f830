import type { Endpoint } from "../../src/model/index.js";
import { onlyRolePorts } from "../../src/roles/index.js";
import {
  createTargetPlan,
  streamEndpoints,
  type TargetItem,
  type TargetPlanFields,
} from "../../src/targets/index.js";

export async function collect(fields: TargetPlanFields): Promise<TargetItem[]> {
  const items: TargetItem[] = [];
  for await (const item of streamEndpoints(createTargetPlan(fields))) items.push(item);
  return items;
}

export function endpointsOf(items: TargetItem[]): Endpoint[] {
  return items.flatMap((item) => (item.kind === "endpoint" ? [item.endpoint] : []));
}

/** `host:port role` strings, the most readable form to compare. */
export function linesOf(items: TargetItem[]): string[] {
  return endpointsOf(items).map((endpoint) =>
    endpoint.host.includes(":")
      ? `[${endpoint.host}]:${endpoint.port} ${endpoint.role}`
      : `${endpoint.host}:${endpoint.port} ${endpoint.role}`,
  );
}

/** One port per role off, only the kubelet port on: one endpoint per address keeps expectations short. */
export const KUBELET_ONLY: TargetPlanFields = { ports: onlyRolePorts({ kubelet: [10250] }) };
