/*
 * What a lab kubelet answers at GET /configz, in the shape a real one serves (the v1.20 fixtures in
 * /work/shared/fixtures/real-kubelet-v1.20): `{"kubeletconfig": {...}}` after defaulting, zero values
 * omitted (`readOnlyPort` 0, false booleans, an empty clientCAFile, no tlsCipherSuites, no featureGates),
 * pointer fields shown even when false. The settings below are a kubeadm node's; a posture changes them.
 */

/** The security-relevant settings a posture varies, named as in KubeletConfiguration. */
export interface KubeletConfigSettings {
  anonymousAuth: boolean;
  authorizationMode: "Webhook" | "AlwaysAllow";
  /** authentication.x509.clientCAFile; null serves `x509: {}`. */
  clientCaFile: string | null;
  readOnlyPort: number;
  /** null: no --tls-cert-file, so the kubelet reports the pair it generated in its cert dir. */
  tlsCertFile: string | null;
  serverTlsBootstrap: boolean;
  rotateCertificates: boolean;
  protectKernelDefaults: boolean;
  makeIptablesUtilChains: boolean;
  eventRecordQps: number;
  streamingConnectionIdleTimeout: string;
  tlsCipherSuites: string[] | null;
  tlsMinVersion: string | null;
  podPidsLimit: number;
  seccompDefault: boolean;
  featureGates: Record<string, boolean> | null;
}

const CERT_DIR = "/var/lib/kubelet/pki";

/** A kubeadm node as `kubeadm init` configures it (rotateCertificates on, the rest at the kubelet's defaults). */
export const KUBEADM_KUBELET_SETTINGS: KubeletConfigSettings = {
  anonymousAuth: false,
  authorizationMode: "Webhook",
  clientCaFile: "/etc/kubernetes/pki/ca.crt",
  readOnlyPort: 0,
  tlsCertFile: `${CERT_DIR}/kubelet-server-current.pem`,
  serverTlsBootstrap: false,
  rotateCertificates: true,
  protectKernelDefaults: false,
  makeIptablesUtilChains: true,
  eventRecordQps: 50,
  streamingConnectionIdleTimeout: "4h0m0s",
  tlsCipherSuites: null,
  tlsMinVersion: null,
  podPidsLimit: -1,
  seccompDefault: false,
  featureGates: null,
};

/** The body of GET /configz for these settings. */
export function kubeletConfigzBody(settings: KubeletConfigSettings): object {
  const servingCertificate = settings.serverTlsBootstrap
    ? {}
    : {
        // The self-generated pair is written as <cert-dir>/kubelet.{crt,key} and reported like a configured one.
        tlsCertFile: settings.tlsCertFile ?? `${CERT_DIR}/kubelet.crt`,
        tlsPrivateKeyFile:
          settings.tlsCertFile === null
            ? `${CERT_DIR}/kubelet.key`
            : settings.tlsCertFile.replace(/\.(crt|pem)$/, ".key"),
      };
  const config: Record<string, unknown> = {
    enableServer: true,
    staticPodPath: "/etc/kubernetes/manifests",
    syncFrequency: "1m0s",
    fileCheckFrequency: "20s",
    httpCheckFrequency: "20s",
    address: "0.0.0.0",
    port: 10250,
    ...omitZero("readOnlyPort", settings.readOnlyPort),
    ...servingCertificate,
    ...omitZero("tlsCipherSuites", settings.tlsCipherSuites),
    ...omitZero("tlsMinVersion", settings.tlsMinVersion),
    ...omitZero("rotateCertificates", settings.rotateCertificates),
    ...omitZero("serverTLSBootstrap", settings.serverTlsBootstrap),
    authentication: {
      x509: settings.clientCaFile === null ? {} : { clientCAFile: settings.clientCaFile },
      webhook: { enabled: settings.authorizationMode === "Webhook", cacheTTL: "2m0s" },
      // A pointer in v1beta1: shown when false.
      anonymous: { enabled: settings.anonymousAuth },
    },
    authorization: {
      mode: settings.authorizationMode,
      webhook: { cacheAuthorizedTTL: "5m0s", cacheUnauthorizedTTL: "30s" },
    },
    registryPullQPS: 5,
    registryBurst: 10,
    eventRecordQPS: settings.eventRecordQps,
    eventBurst: 100,
    enableDebuggingHandlers: true,
    healthzPort: 10248,
    healthzBindAddress: "127.0.0.1",
    oomScoreAdj: -999,
    clusterDomain: "cluster.local",
    clusterDNS: ["10.96.0.10"],
    streamingConnectionIdleTimeout: settings.streamingConnectionIdleTimeout,
    nodeStatusUpdateFrequency: "10s",
    nodeStatusReportFrequency: "5m0s",
    nodeLeaseDurationSeconds: 40,
    imageMinimumGCAge: "2m0s",
    imageGCHighThresholdPercent: 85,
    imageGCLowThresholdPercent: 80,
    volumeStatsAggPeriod: "1m0s",
    cgroupsPerQOS: true,
    cgroupDriver: "systemd",
    cpuManagerPolicy: "none",
    cpuManagerReconcilePeriod: "10s",
    memoryManagerPolicy: "None",
    topologyManagerPolicy: "none",
    topologyManagerScope: "container",
    runtimeRequestTimeout: "2m0s",
    hairpinMode: "promiscuous-bridge",
    maxPods: 110,
    podPidsLimit: settings.podPidsLimit,
    resolvConf: "/run/systemd/resolve/resolv.conf",
    cpuCFSQuota: true,
    cpuCFSQuotaPeriod: "100ms",
    nodeStatusMaxImages: 50,
    maxOpenFiles: 1000000,
    contentType: "application/vnd.kubernetes.protobuf",
    kubeAPIQPS: 50,
    kubeAPIBurst: 100,
    serializeImagePulls: true,
    evictionHard: {
      "imagefs.available": "15%",
      "memory.available": "100Mi",
      "nodefs.available": "10%",
      "nodefs.inodesFree": "5%",
    },
    evictionPressureTransitionPeriod: "5m0s",
    enableControllerAttachDetach: true,
    ...omitZero("protectKernelDefaults", settings.protectKernelDefaults),
    // A pointer in v1beta1: shown when false.
    makeIPTablesUtilChains: settings.makeIptablesUtilChains,
    iptablesMasqueradeBit: 14,
    iptablesDropBit: 15,
    ...omitZero("featureGates", settings.featureGates),
    failSwapOn: true,
    containerLogMaxSize: "10Mi",
    containerLogMaxFiles: 5,
    configMapAndSecretChangeDetectionStrategy: "Watch",
    volumePluginDir: "/usr/libexec/kubernetes/kubelet-plugins/volume/exec/",
    ...omitZero("seccompDefault", settings.seccompDefault),
    logging: { format: "text" },
    enableSystemLogHandler: true,
    shutdownGracePeriod: "0s",
    shutdownGracePeriodCriticalPods: "0s",
    registerNode: true,
  };
  return { kubeletconfig: config };
}

/** Go's `omitempty`: false, 0, "", null and empty lists or maps are left out. */
function omitZero(key: string, value: unknown): Record<string, unknown> {
  const empty =
    value === null ||
    value === false ||
    value === 0 ||
    value === "" ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === "object" && value !== null && Object.keys(value).length === 0);
  return empty ? {} : { [key]: value };
}
