import type { Role } from "../model/index.js";
import { PortListError } from "./errors.js";
import { type ParseResult, parsed, rejected } from "./parseResult.js";

/** The port lists of a plan, one per role a port list implies. An empty list disables that role. */
export interface RolePorts {
  kubeletPorts: readonly number[];
  readonlyPorts: readonly number[];
  apiserverPorts: readonly number[];
}

export const DEFAULT_ROLE_PORTS: Readonly<RolePorts> = Object.freeze({
  kubeletPorts: Object.freeze([10250]),
  readonlyPorts: Object.freeze([10255]),
  apiserverPorts: Object.freeze([6443]),
});

export interface PortRole {
  port: number;
  role: Role;
}

/**
 * The ports every host without an explicit port is probed on. A port listed under two roles is probed once,
 * under the first (kubelet, then read-only, then API server): one connection per host:port is enough.
 */
export function portRolesOf(ports: RolePorts): PortRole[] {
  const byPort = new Map<number, Role>();
  const add = (list: readonly number[], role: Role) => {
    for (const port of list) if (!byPort.has(port)) byPort.set(port, role);
  };
  add(ports.kubeletPorts, "kubelet");
  add(ports.readonlyPorts, "kubelet-readonly");
  add(ports.apiserverPorts, "apiserver");
  return [...byPort].map(([port, role]) => ({ port, role }));
}

/** `"10250,10251"` -> `[10250, 10251]`; `""` -> `[]` (the role is disabled). Duplicates are dropped. */
export function parsePortList(text: string): number[] {
  if (text.trim() === "") return [];
  const ports = new Set<number>();
  for (const entry of text.split(",")) {
    const port = parsePort(entry.trim());
    if (!port.ok) throw new PortListError(text, port.reason);
    ports.add(port.value);
  }
  return [...ports];
}

export function parsePort(text: string): ParseResult<number> {
  if (text === "") return rejected("empty port");
  if (!/^\d+$/.test(text)) return rejected(`port ${JSON.stringify(text)} is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) return rejected(`port ${text} out of range (1-65535)`);
  return parsed(port);
}
