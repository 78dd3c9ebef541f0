/** What decides whether the control plane is hidden: the three watches that would show it, and what they show. */
export interface ControlPlaneVisibility {
  /** The leases, pods and identity-leases watches have all synced (are live). */
  readonly synced: boolean;
  readonly controlPlanePods: number;
  /** Leases of kube-controller-manager or kube-scheduler. */
  readonly componentLeases: number;
  readonly apiserverIdentities: number;
}

/**
 * controlPlaneHidden: a managed control plane. Once the watches have synced, no control-plane pod,
 * component lease or apiserver identity is visible. Before they sync nothing is concluded.
 */
export function controlPlaneHidden(visibility: ControlPlaneVisibility): boolean {
  return visibility.synced && visibility.controlPlanePods === 0 && visibility.componentLeases === 0 && visibility.apiserverIdentities === 0;
}
