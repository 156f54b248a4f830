import type { Role } from "../model/index.js";

/*
 * Which roles, answering on the same host, make a role's absence meaningful: a closed read-only port is
 * a PASS only on a host whose kubelet answered; on an address that runs no kubelet it says nothing.
 * Roles not listed here are never judged absent. The role registry (src/roles/) is to carry this per
 * role; until then it lives here.
 */
const WITNESSES: Partial<Record<Role, readonly Role[]>> = {
  "kubelet-readonly": ["kubelet"],
};

export function absenceWitnessesOf(role: Role): readonly Role[] {
  return WITNESSES[role] ?? [];
}
