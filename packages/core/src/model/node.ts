/** A control-plane node: where components run, and the unit (with its zone) of the N-1 analysis. */
export interface ControlPlaneNode {
  readonly name: string;
  readonly addresses: readonly string[];
  /** topology.kubernetes.io/zone, null when unlabelled. */
  readonly zone: string | null;
  readonly ready: boolean | null;
}

/** A control-plane pod (kubeadm static/mirror pod) as evidence of placement, not of liveness. */
export interface ControlPlanePod {
  readonly name: string;
  readonly component: string;
  readonly node: string | null;
  readonly podIP: string | null;
  /** For kube-apiserver: its --etcd-servers, used to tell stacked from external etcd. */
  readonly etcdServers: readonly string[];
}
