import { type MintedCertificate, mintCertificate } from "../x509/index.js";

/**
 * The lab's trust roots, minted fresh at every start so nothing secret is ever committed:
 * the cluster CA (kubeadm's `ca.crt`: it signs serving certs and is the kubelets' client CA), the
 * client certificate the API server shows kubelets (`apiserver-kubelet-client`), an admin client
 * certificate for the API (system:masters), and an unrelated CA for the "foreign" postures.
 */
export interface LabPki {
  clusterCa: MintedCertificate;
  apiserverKubeletClient: MintedCertificate;
  adminClient: MintedCertificate;
  foreignCa: MintedCertificate;
}

export async function mintLabPki(): Promise<LabPki> {
  const [clusterCa, foreignCa] = await Promise.all([
    mintCertificate({ subject: { commonName: "kubernetes" }, key: { type: "rsa", bits: 2048 }, isCa: true }),
    mintCertificate({
      subject: { commonName: "some-other-ca" },
      key: { type: "rsa", bits: 2048 },
      isCa: true,
    }),
  ]);
  const [apiserverKubeletClient, adminClient] = await Promise.all([
    mintCertificate({
      subject: { commonName: "kube-apiserver-kubelet-client", organizations: ["kubeadm:cluster-admins"] },
      key: { type: "rsa", bits: 2048 },
      issuer: clusterCa,
      extendedKeyUsage: ["clientAuth"],
    }),
    mintCertificate({
      subject: { commonName: "kubernetes-admin", organizations: ["system:masters"] },
      key: { type: "ec", curve: "P-256" },
      issuer: clusterCa,
      extendedKeyUsage: ["clientAuth"],
    }),
  ]);
  return { clusterCa, apiserverKubeletClient, adminClient, foreignCa };
}
