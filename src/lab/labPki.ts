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
  /** kubeadm's separate etcd CA (/etc/kubernetes/pki/etcd/ca.crt), and the API server's etcd client pair. */
  etcdCa: MintedCertificate;
  apiserverEtcdClient: MintedCertificate;
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
  const etcdCa = await mintCertificate({
    subject: { commonName: "etcd-ca" },
    key: { type: "rsa", bits: 2048 },
    isCa: true,
  });
  const apiserverEtcdClient = await mintCertificate({
    subject: { commonName: "kube-apiserver-etcd-client" },
    key: { type: "rsa", bits: 2048 },
    issuer: etcdCa,
    extendedKeyUsage: ["clientAuth"],
  });
  return { clusterCa, apiserverKubeletClient, adminClient, foreignCa, etcdCa, apiserverEtcdClient };
}
