import { describe, expect, it } from "vitest";
import { FORBIDDEN_KUBELET_PATHS, isForbiddenKubeletPath, PPROF_INDEX_PATH } from "../../src/net/index.js";

describe("isForbiddenKubeletPath", () => {
  it("forbids every listed path and what lies below it", () => {
    for (const path of FORBIDDEN_KUBELET_PATHS) {
      expect(isForbiddenKubeletPath(path), path).toBe(true);
      expect(isForbiddenKubeletPath(`${path}/ns/pod/container`), path).toBe(true);
    }
  });

  it("sees through case, doubled slashes, dot segments, percent-encoding and queries", () => {
    const disguised = [
      "/EXEC/ns/pod/c",
      "/PortForward/ns/pod",
      "/containerlogs/ns/pod/c",
      "//exec/ns/pod/c",
      "/./exec/ns/pod/c",
      "/pods/../exec/ns/pod/c",
      "/a/b/../../run/ns/pod/c",
      "/../../exec",
      "/%65xec/ns/pod/c",
      "/%2565xec/ns/pod/c",
      "/pods/..%2fexec/ns/pod/c",
      "/%2e%2e/attach/ns/pod/c",
      "\\exec\\ns\\pod\\c",
      "/exec?command=id",
      "/logs/",
      "/debug/pprof/heap?seconds=30",
      "/checkpoint/ns/pod/c",
    ];
    for (const path of disguised) expect(isForbiddenKubeletPath(path), path).toBe(true);
  });

  it("forbids the same paths through the API server's node proxy, and pod exec, attach, portforward, log", () => {
    const proxied = [
      "/api/v1/nodes/node1/proxy/exec/ns/pod/c",
      "/api/v1/nodes/node1:10250/proxy/containerLogs/ns/pod/c",
      "/api/v1/proxy/nodes/node1/run/ns/pod/c",
      "/api/v1/namespaces/default/pods/web/exec",
      "/api/v1/namespaces/default/pods/web/attach",
      "/api/v1/namespaces/default/pods/web/portforward",
      "/api/v1/namespaces/default/pods/web/log",
    ];
    for (const path of proxied) expect(isForbiddenKubeletPath(path), path).toBe(true);
  });

  it("lets through exactly the pprof index, and still refuses every profile and every other spelling", () => {
    expect(PPROF_INDEX_PATH).toBe("/debug/pprof/");
    expect(isForbiddenKubeletPath("/debug/pprof/")).toBe(false);
    const stillRefused = [
      "/debug/pprof",
      "/debug/pprof/heap",
      "/debug/pprof/profile?seconds=30",
      "/debug/pprof/goroutine?debug=2",
      "/debug/pprof/trace",
      "/debug/pprof/cmdline",
      "/debug/pprof/symbol",
      "/debug/pprof/allocs",
      "/debug/pprof/?debug=1",
      "/debug/pprof//",
      "/debug/pprof/./",
      "/debug/pprof/heap/../",
      "/DEBUG/PPROF/",
      "/debug/pprof%2F",
      "/%64ebug/pprof/",
      "//debug/pprof/",
      "/api/v1/nodes/node1/proxy/debug/pprof/",
      "/api/v1/nodes/node1/proxy/debug/pprof/heap",
    ];
    for (const path of stillRefused) expect(isForbiddenKubeletPath(path), path).toBe(true);
  });

  it("refuses a path it cannot decode", () => {
    expect(isForbiddenKubeletPath("/pods/%E0%A4%A")).toBe(true);
    expect(isForbiddenKubeletPath("/%25252525252565xec")).toBe(true);
  });

  it("allows the read-only paths probes use, including /runningpods/ next to /run", () => {
    const allowed = [
      "/pods",
      "/runningpods/",
      "/running",
      "/configz",
      "/metrics",
      "/metrics/cadvisor",
      "/healthz",
      "/spec/",
      "/stats/summary",
      "/debug/flags/v",
      "/logsummary",
      "/version",
      "/api",
      "/api/v1/namespaces/default/pods/web",
      "/api/v1/nodes/node1/proxy/healthz",
      "/api/v1/nodes/node1/proxy/configz",
      "/healthz?verbose",
    ];
    for (const path of allowed) expect(isForbiddenKubeletPath(path), path).toBe(false);
  });
});
