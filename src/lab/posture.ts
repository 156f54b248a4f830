import type { CheckStatus, NetErrorCode, Role, ValidationErrorCode } from "../model/index.js";
import type { MintedCertificate } from "../x509/index.js";
import type { LabNode } from "./apiserverEmulator.js";
import type { SensitiveRequestLog } from "./kubeletEmulator.js";
import type { LabPki } from "./labPki.js";
import type { RequestHandler } from "./servers.js";

/** What a correct scan must report for one listener: the lab's answers are known by construction. */
export interface ListenerExpectation {
  reachable: boolean;
  error?: NetErrorCode;
  speaksTls: boolean;
  plainHttp: boolean;
  /** Exact validation error codes against the lab CA; omitted when no chain is served. */
  validationErrors?: ValidationErrorCode[];
  /** Check id -> status, for every check this listener's role triggers. */
  checks: Record<string, CheckStatus>;
}

export type ServeSpec =
  | {
      kind: "tls";
      /** Served in this order; the first is the leaf. */
      chain: MintedCertificate[];
      /** Client CA certificates to request and verify against; empty means no certificate is requested. */
      clientCas: MintedCertificate[];
      /** Fail the handshake without a verified client certificate (etcd --client-cert-auth, nginx verify on). */
      requireClientCertificate?: boolean;
      minVersion?: "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
      maxVersion?: "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
      ciphers?: string;
      /**
       * Imitate a Go (< 1.22) server's default suites for an RSA certificate, 3DES included, which node:tls cannot
       * serve itself (see goDefaultSuites.ts). Replaces `ciphers`.
       */
      goDefaultSuites?: boolean;
      handler: RequestHandler;
    }
  | { kind: "plain-http"; handler: RequestHandler }
  | { kind: "tarpit" }
  | { kind: "garbage" }
  | { kind: "reset" }
  /** Accepts and closes at once, recording the connection: the scope test's tripwire. */
  | { kind: "tripwire"; record: (remoteAddress: string) => void };

export interface PostureListener {
  port: number;
  role: Role;
  serve: ServeSpec;
  expect: ListenerExpectation;
}

export interface PostureContext {
  address: string;
  nodeName: string;
  pki: LabPki;
  sensitive: SensitiveRequestLog;
  /** The kubelets of the lab, for the API server's node list and proxy. */
  labNodes: () => readonly LabNode[];
  /** Where tripwire listeners report a connection. */
  recordTripwire: (entry: { address: string; from: string }) => void;
}

export interface Posture {
  name: string;
  /** What real-world configuration it imitates, for people reading the lab's output. */
  summary: string;
  /** Whether the lab API server lists this posture's kubelet as a node. */
  isNode?: boolean;
  /**
   * Bound at <network>.250, outside the lab's target range: a node the API lists that a scan with
   * --scope set to the lab range must never dial.
   */
  outsideRange?: boolean;
  build(context: PostureContext): Promise<PostureListener[]>;
}

/** A reachable listener's expectation: the facts given, every check of its role listed. */
export function expectation(
  facts: Omit<ListenerExpectation, "checks" | "reachable"> & { reachable?: boolean },
  checks: Record<string, CheckStatus>,
): ListenerExpectation {
  return { reachable: true, ...facts, checks };
}
