import { mapRoles, ROLE_DEFINITIONS, type ScannedRole } from "./roleDefinitions.js";

/** The port list of each scanned role. An empty list disables that role. */
export type RolePorts = Readonly<Record<ScannedRole, readonly number[]>>;

export interface PortRole {
  port: number;
  role: ScannedRole;
}

/** Every role on its default ports. */
export function defaultRolePorts(): RolePorts {
  return mapRoles((definition) => [...definition.ports.defaults]);
}

/** `given` over the defaults: a role absent from `given` keeps its default ports. */
export function rolePortsWith(given: Partial<RolePorts>): RolePorts {
  return { ...defaultRolePorts(), ...given };
}

/** Only the roles in `given` are scanned, on the ports given; every other role's list is empty. */
export function onlyRolePorts(given: Partial<RolePorts>): RolePorts {
  return { ...mapRoles(() => []), ...given };
}

/**
 * The ports every host without an explicit port is probed on, in registry order. A port listed under two
 * roles is probed once, under the earlier role: one connection per host:port is enough.
 */
export function portRolesOf(ports: RolePorts): PortRole[] {
  const byPort = new Map<number, ScannedRole>();
  for (const { role } of ROLE_DEFINITIONS)
    for (const port of ports[role]) if (!byPort.has(port)) byPort.set(port, role);
  return [...byPort].map(([port, role]) => ({ port, role }));
}

/** How many endpoints one address expands to. */
export function portsPerHost(ports: RolePorts): number {
  return portRolesOf(ports).length;
}
