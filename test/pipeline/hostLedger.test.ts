import { describe, expect, it } from "vitest";
import type { Endpoint, Role } from "../../src/model/index.js";
import { HostLedger, type UnopenedEndpoint } from "../../src/pipeline/hostLedger.js";

const witnesses = (role: Role): readonly Role[] => (role === "kubelet-readonly" ? ["kubelet"] : []);
const ep = (host: string, port: number, role: Role): Endpoint => ({ host, port, role });
const closed = (endpoint: Endpoint): UnopenedEndpoint => ({
  endpoint,
  state: "closed",
  error: { code: "refused", message: "refused" },
});

describe("HostLedger: absence is judged only where a component of the node answered", () => {
  it("returns a closed read-only port for judging once its host's kubelet answered and the host is done", () => {
    const ledger = new HostLedger(witnesses);
    const kubelet = ep("10.0.0.1", 10250, "kubelet");
    const readOnly = ep("10.0.0.1", 10255, "kubelet-readonly");
    ledger.issued(kubelet);
    ledger.issued(readOnly);
    ledger.settled(readOnly, closed(readOnly));
    // The kubelet is still being probed: nothing can be decided yet.
    expect(ledger.takeJudgeable()).toEqual([]);
    ledger.answered("10.0.0.1", "kubelet");
    ledger.settled(kubelet, null);
    ledger.streamEnded();
    expect(ledger.takeJudgeable()).toEqual([closed(readOnly)]);
    expect(ledger.groups()).toEqual([]);
  });

  it("only counts ports of hosts where nothing answered, as runs per state, port, role and code", () => {
    const ledger = new HostLedger(witnesses);
    for (let last = 1; last <= 254; last++) {
      for (const [port, role] of [
        [10250, "kubelet"],
        [10255, "kubelet-readonly"],
      ] as const) {
        const endpoint = ep(`10.0.1.${last}`, port, role);
        ledger.issued(endpoint);
        ledger.settled(endpoint, closed(endpoint));
      }
    }
    ledger.streamEnded();
    expect(ledger.takeJudgeable()).toEqual([]);
    expect(ledger.groups()).toEqual([
      {
        state: "closed",
        port: 10250,
        role: "kubelet",
        code: "refused",
        count: 254,
        hosts: ["10.0.1.1-10.0.1.254"],
      },
      {
        state: "closed",
        port: 10255,
        role: "kubelet-readonly",
        code: "refused",
        count: 254,
        hosts: ["10.0.1.1-10.0.1.254"],
      },
    ]);
  });

  it("does not take a tarpit or an answer on another role as a witness", () => {
    const ledger = new HostLedger(witnesses);
    const apiserver = ep("10.0.0.2", 6443, "apiserver");
    const readOnly = ep("10.0.0.2", 10255, "kubelet-readonly");
    ledger.issued(apiserver);
    ledger.issued(readOnly);
    ledger.answered("10.0.0.2", "apiserver");
    ledger.settled(apiserver, null);
    ledger.settled(readOnly, closed(readOnly));
    ledger.streamEnded();
    expect(ledger.takeJudgeable()).toEqual([]);
    expect(ledger.groups().map((group) => group.count)).toEqual([1]);
  });

  it("decides a host as soon as the stream has moved past it and its endpoints are done", () => {
    const ledger = new HostLedger(witnesses);
    const first = ep("10.0.0.1", 10255, "kubelet-readonly");
    ledger.issued(first);
    ledger.settled(first, closed(first));
    expect(ledger.groups()).toEqual([]);
    ledger.issued(ep("10.0.0.2", 10255, "kubelet-readonly"));
    expect(ledger.groups().map((group) => group.hosts)).toEqual([["10.0.0.1"]]);
  });
});
