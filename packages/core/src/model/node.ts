/** A control-plane node: where components run, and the unit (with its zone) of the N-1 analysis. */
export interface ControlPlaneNode {
  readonly name: string;
  readonly addresses: readonly string[];
  /** topology.kubernetes.io/zone, null when unlabelled. */
  readonly zone: string | null;
  readonly ready: boolean | null;
  /** status.nodeInfo.osImage ("Talos (v1.9.0)", "Red Hat Enterprise Linux CoreOS …"): a distribution hint. */
  readonly osImage?: string | null;
  /** status.nodeInfo.kubeletVersion ("v1.31.4+k3s1", "v1.30.8+rke2r1", "v1.30.9-eks-…"). */
  readonly kubeletVersion?: string | null;
  /** Roles from node-role.kubernetes.io/<role> labels (control-plane, master, etcd). */
  readonly roles?: readonly string[];
  /** k3s/RKE2 embedded etcd: the member name from annotation etcd.k3s.cattle.io/node-name. */
  readonly etcdMemberName?: string | null;
}

/** A control-plane pod (kubeadm static/mirror pod) as evidence of placement, not of liveness. */
export interface ControlPlanePod {
  readonly name: string;
  readonly component: string;
  readonly node: string | null;
  readonly podIP: string | null;
  /** For kube-apiserver: its --etcd-servers, used to tell stacked from external etcd. */
  readonly etcdServers: readonly string[];
  /**
   * The kubelet's Ready condition on the mirror pod: false when the container is not running or failing. null unknown.
   */
  readonly ready?: boolean | null;
  /** Which label named the component: kubeadm/RKE2 `component`, Talos/kops `k8s-app`, or the pod name. */
  readonly componentLabel?: 'component' | 'k8s-app' | 'app.kubernetes.io/name' | 'name';
}
