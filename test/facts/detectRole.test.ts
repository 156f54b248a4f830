import { describe, expect, it } from "vitest";
import { detectRole } from "../../src/facts/index.js";
import type { AuthProbe } from "../../src/model/index.js";

const answer = (path: string, status: number, snippet: string): AuthProbe => ({
  path,
  outcome: "http",
  status,
  user: null,
  snippet,
});
const rejected = (path: string): AuthProbe => ({
  path,
  outcome: "handshake-rejected",
  status: null,
  user: null,
  snippet: null,
});

describe("detectRole: a host:port's role from what it answered anonymously", () => {
  it("knows etcd by its /version, wherever it listens", () => {
    expect(
      detectRole(12379, true, [answer("/version", 200, '{"etcdserver":"3.5.9","etcdcluster":"3.5.0"}')]),
    ).toBe("etcd");
  });
  it("knows an API server by Status JSON or a gitVersion, on any port", () => {
    expect(
      detectRole(8443, true, [
        answer("/pods", 403, '{"kind":"Status","apiVersion":"v1","reason":"Forbidden"}'),
      ]),
    ).toBe("apiserver");
    expect(
      detectRole(9443, true, [answer("/version", 200, '{"major":"1","minor":"30","gitVersion":"v1.30.2"}')]),
    ).toBe("apiserver");
  });
  it("knows a kubelet by its plain-text 401, its 403 naming the user, or a PodList; read-only when not TLS", () => {
    expect(detectRole(1234, true, [answer("/pods", 401, "Unauthorized")])).toBe("kubelet");
    expect(
      detectRole(1234, true, [
        answer(
          "/pods",
          403,
          "Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)",
        ),
      ]),
    ).toBe("kubelet");
    expect(detectRole(1234, false, [answer("/pods", 200, '{"kind":"PodList","items":[]}')])).toBe(
      "kubelet-readonly",
    );
  });
  it("keeps the well-known port's role when every handshake demands a client certificate", () => {
    expect(detectRole(10250, true, [rejected("/pods")])).toBe("kubelet");
    expect(detectRole(6443, true, [rejected("/version")])).toBe("apiserver");
    expect(detectRole(2379, true, [rejected("/version")])).toBe("etcd");
    expect(detectRole(8081, true, [rejected("/version")])).toBe("other");
  });
  it("falls back to the port's well-known role when no answer identifies a role", () => {
    expect(detectRole(10250, true, [answer("/pods", 404, "404 page not found")])).toBe("kubelet");
    expect(detectRole(6443, true, [])).toBe("apiserver");
    expect(detectRole(10255, false, [answer("/pods", 200, "<html>hello</html>")])).toBe("kubelet-readonly");
  });
  it("calls anything else other", () => {
    expect(detectRole(8081, false, [answer("/pods", 200, "<html>hello</html>")])).toBe("other");
    expect(detectRole(8081, false, [])).toBe("other");
  });

  it("tells the control plane's look-alikes apart by transport and port", () => {
    const etcdVersion = answer("/version", 200, '{"etcdserver":"3.4.13","etcdcluster":"3.4.0"}');
    expect(detectRole(2380, true, [etcdVersion])).toBe("etcd-peer");
    expect(detectRole(12379, true, [etcdVersion])).toBe("etcd");
    const forbidden = answer(
      "/pods",
      403,
      '{"kind":"Status","apiVersion":"v1","status":"Failure","message":"forbidden: User \\"system:anonymous\\" cannot get path \\"/pods\\""}',
    );
    expect(detectRole(10257, true, [forbidden])).toBe("controller-manager");
    expect(detectRole(10259, true, [forbidden])).toBe("scheduler");
    expect(detectRole(6443, true, [forbidden])).toBe("apiserver");
    const version = answer("/version", 200, '{"major":"1","minor":"19","gitVersion":"v1.19.16"}');
    expect(detectRole(8080, false, [version])).toBe("apiserver-insecure");
    expect(detectRole(18080, false, [version])).toBe("apiserver-insecure");
    expect(detectRole(8080, true, [version])).toBe("apiserver");
  });
});
