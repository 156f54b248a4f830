import type { Endpoint, NetError, PortState, Role, UnopenedGroup } from "../model/index.js";
import { AddressRuns } from "./addressRuns.js";

/** An endpoint whose discovery connect did not open. */
export interface UnopenedEndpoint {
  endpoint: Endpoint;
  state: Exclude<PortState, "open">;
  error: NetError;
}

interface HostProgress {
  pending: number;
  /** The target stream has moved on to another host: no more endpoints of this one will come. */
  passed: boolean;
  unopened: UnopenedEndpoint[];
}

interface GroupTally {
  group: Omit<UnopenedGroup, "count" | "hosts">;
  count: number;
  hosts: AddressRuns;
}

/**
 * The host-level pass: a port's absence means something only on a host where a component of that node
 * answered (a closed read-only port says nothing on an address that runs no kubelet). Endpoints that did
 * not open wait here until every endpoint of their host has finished; then the ones whose absence a
 * same-host component makes meaningful come back to be judged, and the rest only join the per-state
 * counts and address lists. The target stream is address-major, so few hosts wait at any time. A host
 * that comes back later in the stream (a targets file naming it twice) is judged on what had answered by
 * then: at worst its absence is left unjudged, never judged without a witness.
 */
export class HostLedger {
  readonly #hosts = new Map<string, HostProgress>();
  readonly #answered = new Map<string, Set<Role>>();
  readonly #groups = new Map<string, GroupTally>();
  readonly #ready: UnopenedEndpoint[] = [];
  #lastHost: string | undefined;

  /** @param witnessesOf which roles, answering on the same host, make `role`'s absence meaningful. */
  constructor(private readonly witnessesOf: (role: Role) => readonly Role[]) {}

  /** The scan took this endpoint from the target stream. */
  issued(endpoint: Endpoint): void {
    if (this.#lastHost !== undefined && this.#lastHost !== endpoint.host) this.#pass(this.#lastHost);
    this.#lastHost = endpoint.host;
    const progress = this.#hosts.get(endpoint.host);
    if (progress) {
      progress.pending += 1;
      progress.passed = false;
    } else {
      this.#hosts.set(endpoint.host, { pending: 1, passed: false, unopened: [] });
    }
  }

  /** A component answered on this host in this role (it spoke TLS or HTTP). */
  answered(host: string, role: Role): void {
    let roles = this.#answered.get(host);
    if (!roles) {
      roles = new Set();
      this.#answered.set(host, roles);
    }
    roles.add(role);
  }

  /** An endpoint finished; `unopened` when its port never opened. */
  settled(endpoint: Endpoint, unopened: UnopenedEndpoint | null): void {
    const progress = this.#hosts.get(endpoint.host);
    if (!progress) return;
    progress.pending -= 1;
    if (unopened) progress.unopened.push(unopened);
    this.#finishIfDone(endpoint.host, progress);
  }

  /** The target stream ended: every host still waiting is complete once its endpoints finish. */
  streamEnded(): void {
    for (const host of [...this.#hosts.keys()]) this.#pass(host);
  }

  /** Unopened endpoints whose absence is meaningful, ready to be judged (each returned once). */
  takeJudgeable(): UnopenedEndpoint[] {
    return this.#ready.splice(0);
  }

  groups(): UnopenedGroup[] {
    return [...this.#groups.values()].map(({ group, count, hosts }) => ({
      ...group,
      count,
      hosts: hosts.list(),
    }));
  }

  #pass(host: string): void {
    const progress = this.#hosts.get(host);
    if (!progress) return;
    progress.passed = true;
    this.#finishIfDone(host, progress);
  }

  #finishIfDone(host: string, progress: HostProgress): void {
    if (!progress.passed || progress.pending > 0) return;
    this.#hosts.delete(host);
    const answered = this.#answered.get(host);
    for (const unopened of progress.unopened) {
      const witnessed =
        answered !== undefined && this.witnessesOf(unopened.endpoint.role).some((role) => answered.has(role));
      if (witnessed) this.#ready.push(unopened);
      else this.#tally(unopened);
    }
  }

  #tally({ endpoint, state, error }: UnopenedEndpoint): void {
    const key = `${state}|${endpoint.port}|${endpoint.role}|${error.code}`;
    let tally = this.#groups.get(key);
    if (!tally) {
      tally = {
        group: { state, port: endpoint.port, role: endpoint.role, code: error.code },
        count: 0,
        hosts: new AddressRuns(),
      };
      this.#groups.set(key, tally);
    }
    tally.count += 1;
    tally.hosts.add(endpoint.host);
  }
}
