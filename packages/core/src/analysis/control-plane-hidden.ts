/** What decides whether the control plane is hidden: the watches that would show it, and what they show. */
export interface ControlPlaneVisibility {
  /** The leases, pods and identity-leases watches have all synced (are live). */
  readonly synced: boolean;
  readonly controlPlanePods: number;
  /** Leases of kube-controller-manager or kube-scheduler. */
  readonly componentLeases: number;
  readonly apiserverIdentities: number;
  /**
   * Nodes labelled node-role.kubernetes.io/control-plane, once the nodes watch has synced; null before (or when not
   * known), which concludes nothing from them.
   */
  readonly controlPlaneNodes?: number | null;
  /** Apiserver instances that ever answered hawk's probe directly; null before the first probe round. */
  readonly apiserversAnswering?: number | null;
}

/**
 * controlPlaneHidden: a managed control plane. Once the watches have synced, either nothing of the control plane is
 * visible (no control-plane pod, component lease or apiserver identity), or its Leases are (a managed service's
 * controller-manager and scheduler write them, its apiservers their identities) but it runs on no Node of the
 * cluster, as no pod, and no apiserver instance answers hawk directly. Before they sync nothing is concluded.
 */
export function controlPlaneHidden(visibility: ControlPlaneVisibility): boolean {
  if (!visibility.synced || visibility.controlPlanePods > 0) return false;
  if (visibility.componentLeases === 0 && visibility.apiserverIdentities === 0) return true;
  return visibility.controlPlaneNodes === 0 && visibility.apiserversAnswering === 0;
}
