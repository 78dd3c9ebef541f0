/** Distributions hawk tells apart from what a read-only client sees. */
export type DistributionName =
  'kubeadm' | 'rke2' | 'k3s' | 'talos' | 'openshift' | 'eks' | 'gke' | 'aks' | 'managed' | 'static-pods' | 'unknown';

/** How the control plane runs: static pods, inside one server process, by operators, or out of sight. */
export type ControlPlaneForm = 'static-pods' | 'embedded' | 'operator' | 'managed' | 'unknown';

/** Where etcd runs, as the distribution makes it. */
export type EtcdPlacement =
  'stacked' | 'external' | 'embedded' | 'external-datastore' | 'os-service' | 'managed' | 'unknown';

/** What hawk reads of kube-system/kubeadm-config's ClusterConfiguration. */
export interface KubeadmConfigSignal {
  readonly controlPlaneEndpoint: string | null;
  /** etcd.local or etcd.external in the ClusterConfiguration. */
  readonly etcd: 'local' | 'external' | null;
  readonly kubernetesVersion: string | null;
  /** ClusterConfiguration.clusterName (kubeadm writes 'kubernetes' unless told otherwise); absent when not read. */
  readonly clusterName?: string | null;
}

/** The cluster-wide facts detection reads once in a while: the version, the API groups, kubeadm's config. */
export interface ClusterInfoSignals {
  /** /version's gitVersion ("v1.31.4+k3s1"); null when not read. */
  readonly gitVersion: string | null;
  /** API group names served (from /apis); null when not read. */
  readonly apiGroups: readonly string[] | null;
  /** kube-system/kubeadm-config: read, 'absent' (404), 'forbidden' (no RBAC for it), or null when not read yet. */
  readonly kubeadmConfig: KubeadmConfigSignal | 'absent' | 'forbidden' | null;
}

/** The distribution as hawk detected it, shown on screen beside the verdict. */
export interface DistributionView {
  readonly name: DistributionName;
  /** One phrase: "kubeadm, stacked etcd", "k3s, embedded etcd", "OpenShift", "EKS: control plane managed". */
  readonly label: string;
  readonly controlPlane: ControlPlaneForm;
  readonly etcd: EtcdPlacement;
  /** kubeadm's controlPlaneEndpoint, when its config says. */
  readonly controlPlaneEndpoint: string | null;
  /** The facts that decided, as sentences. */
  readonly evidence: readonly string[];
  /** What hawk cannot see on this distribution from where it runs, as sentences. */
  readonly notVisible: readonly string[];
}
