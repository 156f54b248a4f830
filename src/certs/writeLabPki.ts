import { randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { InputError } from "../model/index.js";
import { toolVersion } from "../pipeline/index.js";
import { type MintedCertificate, mintCertificate } from "../x509/index.js";
import { buildIndex, INDEX_FILE, type PkiItem } from "./labPkiIndex.js";
import { type LabPkiOptions, type LabPkiPlan, type PlannedNode, planLabPki } from "./labPkiPlan.js";

export class LabPkiExistsError extends InputError {
  constructor(
    readonly directory: string,
    readonly existing: string[],
  ) {
    super(
      "KUBETLS_ERR_LAB_PKI",
      `${directory} already holds a lab PKI (${existing.slice(0, 4).join(", ")}${existing.length > 4 ? ", ..." : ""}): ` +
        "pass --force to replace it",
    );
  }
}

const DAY_MS = 86_400_000;
const CA_VALIDITY_DAYS = 3650; // kubeadm's CA lifetime; leaves get mintCertificate's one year, as kubeadm's do.
const KEY_MODE = 0o600;
const PUBLIC_MODE = 0o644;
const KUBELET_PKI = "/var/lib/kubelet/pki";
const KUBEADM_PKI = "/etc/kubernetes/pki";

/**
 * Writes a lab PKI laid out like a kubeadm cluster's: the cluster CA, the API server's serving cert and the
 * client cert it shows kubelets, per node a kubelet serving cert and a kubelet client cert, an admin client,
 * and an unrelated CA with a client cert for negative tests; then index.json describing every file.
 * Private keys are written 0600. Refuses to touch a directory that already holds any of these files unless
 * `force`. Returns the absolute paths written, index.json last.
 */
export async function writeLabPki(directory: string, options: LabPkiOptions = {}): Promise<string[]> {
  const plan = planLabPki(options);
  const root = resolve(directory);
  const planned = plannedPaths(plan);
  if (!options.force) {
    const existing = await existingPaths(root, planned);
    if (existing.length > 0) throw new LabPkiExistsError(directory, existing);
  }

  const items = await mintItems(plan);
  const index = buildIndex(items, `kubetls ${toolVersion()} certs`, new Date());

  await mkdir(root, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  for (const item of items) {
    written.push(await writeAtomically(root, item.certificatePath, item.minted.certPem, PUBLIC_MODE));
    if (item.keyPath !== null) {
      written.push(await writeAtomically(root, item.keyPath, item.minted.keyPem, KEY_MODE));
    }
  }
  written.push(await writeAtomically(root, INDEX_FILE, `${JSON.stringify(index, null, 2)}\n`, PUBLIC_MODE));
  return written;
}

function nodeDirectory(node: PlannedNode): string {
  return `nodes/${node.name}`;
}

function plannedPaths(plan: LabPkiPlan): string[] {
  const paths = [
    "ca.crt",
    "ca.key",
    "apiserver.crt",
    "apiserver.key",
    "apiserver-kubelet-client.crt",
    "apiserver-kubelet-client.key",
    "admin.crt",
    "admin.key",
    "untrusted-ca.crt",
    "untrusted-client.crt",
    "untrusted-client.key",
    INDEX_FILE,
  ];
  for (const node of plan.nodes) {
    for (const file of ["kubelet.crt", "kubelet.key", "kubelet-client.crt", "kubelet-client.key"]) {
      paths.push(`${nodeDirectory(node)}/${file}`);
    }
  }
  return paths;
}

async function existingPaths(root: string, paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    try {
      await lstat(join(root, path));
      found.push(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return found;
}

async function mintItems(plan: LabPkiPlan): Promise<PkiItem[]> {
  const notBefore = new Date(Date.now() - 5 * 60_000);
  const [ca, untrustedCa] = await Promise.all([
    mintCertificate({
      subject: { commonName: "kubernetes" },
      key: { type: "rsa", bits: 2048 },
      isCa: true,
      notBefore,
      notAfter: new Date(notBefore.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    }),
    mintCertificate({
      subject: { commonName: "kubetls-untrusted-ca" },
      key: { type: "ec", curve: "P-256" },
      isCa: true,
      notBefore,
    }),
  ]);
  const issue = (
    issuer: MintedCertificate,
    commonName: string,
    organizations: string[],
    usage: "serverAuth" | "clientAuth",
    key: "rsa" | "ec",
    sans: { dnsNames?: string[]; ipAddresses?: string[] } = {},
  ) =>
    mintCertificate({
      subject: organizations.length > 0 ? { commonName, organizations } : { commonName },
      key: key === "rsa" ? { type: "rsa", bits: 2048 } : { type: "ec", curve: "P-256" },
      issuer,
      extendedKeyUsage: [usage],
      notBefore,
      ...sans,
    });

  // kubeadm mints RSA 2048 for its own certs; the kubelet generates ECDSA P-256 keys for the ones it requests.
  const [apiserver, apiserverKubeletClient, admin, untrustedClient, nodeCerts] = await Promise.all([
    issue(ca, "kube-apiserver", [], "serverAuth", "rsa", {
      dnsNames: plan.apiserverDnsNames,
      ipAddresses: plan.apiserverIpAddresses,
    }),
    issue(ca, "kube-apiserver-kubelet-client", ["kubeadm:cluster-admins"], "clientAuth", "rsa"),
    issue(ca, "kubernetes-admin", ["system:masters"], "clientAuth", "rsa"),
    issue(untrustedCa, "kubetls-untrusted", [], "clientAuth", "ec"),
    Promise.all(
      plan.nodes.map(async (node) => ({
        node,
        serving: await issue(ca, node.name, [], "serverAuth", "ec", {
          dnsNames: [node.name],
          ipAddresses: node.addresses,
        }),
        client: await issue(ca, `system:node:${node.name}`, ["system:nodes"], "clientAuth", "ec"),
      })),
    ),
  ]);

  const items: PkiItem[] = [
    {
      certificatePath: "ca.crt",
      keyPath: "ca.key",
      minted: ca,
      purpose:
        "cluster CA: signs every serving and client cert here; trust it for API server and kubelet chains " +
        "(it is also the kubelets' client CA)",
      extendedKeyUsage: [],
      kubeadm: { certificate: `${KUBEADM_PKI}/ca.crt`, key: `${KUBEADM_PKI}/ca.key` },
      flags: { certificate: ["--ca-file", "--kubelet-ca-file"], key: [] },
    },
    {
      certificatePath: "apiserver.crt",
      keyPath: "apiserver.key",
      minted: apiserver,
      purpose: "API server serving cert (in-cluster names, the first service IP and the given names)",
      extendedKeyUsage: ["serverAuth"],
      kubeadm: { certificate: `${KUBEADM_PKI}/apiserver.crt`, key: `${KUBEADM_PKI}/apiserver.key` },
      flags: { certificate: [], key: [] },
    },
    {
      certificatePath: "apiserver-kubelet-client.crt",
      keyPath: "apiserver-kubelet-client.key",
      minted: apiserverKubeletClient,
      purpose: "the client cert the API server shows kubelets (--kubelet-client-certificate)",
      extendedKeyUsage: ["clientAuth"],
      kubeadm: {
        certificate: `${KUBEADM_PKI}/apiserver-kubelet-client.crt`,
        key: `${KUBEADM_PKI}/apiserver-kubelet-client.key`,
      },
      flags: { certificate: ["--client-cert"], key: ["--client-key"] },
    },
    ...nodeCerts.flatMap(({ node, serving, client }): PkiItem[] => [
      {
        certificatePath: `${nodeDirectory(node)}/kubelet.crt`,
        keyPath: `${nodeDirectory(node)}/kubelet.key`,
        minted: serving,
        purpose: `kubelet serving cert of ${node.name} (--tls-cert-file), signed by the cluster CA`,
        extendedKeyUsage: ["serverAuth"],
        node: node.name,
        kubeadm: {
          certificate: `${KUBELET_PKI}/kubelet.crt`,
          key: `${KUBELET_PKI}/kubelet.key`,
          note:
            "on a kubeadm node that file is self-signed by the kubelet; with serverTLSBootstrap it is " +
            "kubelet-server-current.pem, signed through the kubelet-serving signer",
        },
        flags: { certificate: [], key: [] },
      },
      {
        certificatePath: `${nodeDirectory(node)}/kubelet-client.crt`,
        keyPath: `${nodeDirectory(node)}/kubelet-client.key`,
        minted: client,
        purpose: `client cert the kubelet of ${node.name} shows the API server (user system:node:${node.name})`,
        extendedKeyUsage: ["clientAuth"],
        node: node.name,
        kubeadm: {
          certificate: `${KUBELET_PKI}/kubelet-client-current.pem`,
          key: `${KUBELET_PKI}/kubelet-client-current.pem`,
          note: "the real file holds certificate and key in one PEM",
        },
        flags: { certificate: ["--client-cert"], key: ["--client-key"] },
      },
    ]),
    {
      certificatePath: "admin.crt",
      keyPath: "admin.key",
      minted: admin,
      purpose: "cluster-admin client cert (group system:masters)",
      extendedKeyUsage: ["clientAuth"],
      kubeadm: {
        certificate: "/etc/kubernetes/admin.conf",
        key: "/etc/kubernetes/admin.conf",
        note:
          "embedded as client-certificate-data / client-key-data; since kubeadm 1.29 admin.conf is in " +
          "kubeadm:cluster-admins and super-admin.conf carries system:masters",
      },
      flags: { certificate: ["--client-cert"], key: ["--client-key"] },
    },
    {
      certificatePath: "untrusted-ca.crt",
      keyPath: null,
      minted: untrustedCa,
      purpose: "a CA no cluster trusts (its key is not kept): nothing here may validate against it",
      extendedKeyUsage: [],
      kubeadm: { certificate: null, key: null },
      flags: { certificate: ["--ca-file"], key: [] },
    },
    {
      certificatePath: "untrusted-client.crt",
      keyPath: "untrusted-client.key",
      minted: untrustedClient,
      purpose: "client cert from the untrusted CA: every kubelet and API server must answer it 401",
      extendedKeyUsage: ["clientAuth"],
      kubeadm: { certificate: null, key: null },
      flags: { certificate: ["--client-cert"], key: ["--client-key"] },
    },
  ];
  return items;
}

/*
 * Write a temporary file created with its final mode, then rename over the target: a key is never readable
 * by others for an instant (writeFile's mode only applies to a new file), and a symlink planted at the
 * target is replaced rather than followed.
 */
async function writeAtomically(root: string, path: string, content: string, mode: number): Promise<string> {
  const target = join(root, path);
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  const temporary = join(dirname(target), `.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temporary, content, { mode, flag: "wx" });
    await chmod(temporary, mode); // the umask may have narrowed a certificate's 0644
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return target;
}
