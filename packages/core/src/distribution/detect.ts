import type {
  ClusterInfoSignals,
  ControlPlaneForm,
  DistributionName,
  DistributionView,
  EtcdPlacement,
  KubeadmConfigSignal,
} from '../model/distribution';
import type { EtcdTopology } from '../model/etcd';
import type { ControlPlaneNode, ControlPlanePod } from '../model/node';

/** Everything detection looks at; all of it is what a read-only client of the API sees. */
export interface DistributionSignals {
  readonly info: ClusterInfoSignals;
  readonly nodes: readonly ControlPlaneNode[];
  readonly pods: readonly ControlPlanePod[];
  /** Leader-election lease keys ("kube-system/k3s-etcd"). */
  readonly leases: readonly string[];
  /** etcd topology as hawk judged it from members or --etcd-servers. */
  readonly etcdTopology: EtcdTopology;
  /** The control plane is not in the cluster (see controlPlaneHidden): no pod, no Node of it. */
  readonly controlPlaneHidden: boolean;
}

/** What no distribution shows hawk: said once, for every static-pod control plane. */
const KUBEADM_CERTS =
  'etcd itself is read only with a client certificate (kubeadm: ' +
  "/etc/kubernetes/pki/etcd/healthcheck-client.crt); without one, from the apiservers' /readyz";
const LOOPBACK_HEALTH =
  "controller-manager and scheduler /healthz bound to 127.0.0.1 (kubeadm's default) are not reachable from " +
  "here: their liveness is the kubelet's readiness of their mirror pods";

/**
 * detectDistribution names the distribution and its topology from what the API shows: the version
 * string (+k3s, +rke2, -eks-, -gke.), the API groups (config.openshift.io), node osImage and labels
 * (Talos, k3s etcd members), kube-system/kubeadm-config, and the control-plane pods. Pure; the
 * first strong signal wins, in the order below, and each decision is given as a sentence.
 */
export function detectDistribution(signals: DistributionSignals): DistributionView {
  const { info, nodes, pods } = signals;
  // The build stamp may show in /version or only in the kubelets' versions (a k3s agent build, a lab's shape).
  const stamped = (stamp: string) => stampedBy(info.gitVersion, nodes, stamp);
  const staticPods = pods.filter(
    (pod) =>
      pod.component === 'kube-apiserver' ||
      pod.component === 'kube-controller-manager' ||
      pod.component === 'kube-scheduler',
  );
  const kubeadm = info.kubeadmConfig !== null && typeof info.kubeadmConfig === 'object' ? info.kubeadmConfig : null;

  // 1. OpenShift: its config API group is unmistakable, and its control plane lives outside kube-system.
  if (info.apiGroups?.includes('config.openshift.io')) return openshiftView();

  // 2. Managed: the provider's build suffix, or nothing of the control plane visible at all.
  const eks = stamped('-eks-');
  if (eks)
    return managed(
      'eks',
      'EKS: control plane managed',
      eks,
      'default/kubernetes lists 2 addresses whatever the real count: no apiserver count is judged from it',
    );
  const gke = stamped('-gke.');
  if (gke)
    return managed(
      'gke',
      'GKE: control plane managed',
      gke,
      "default/kubernetes lists the provider's endpoint, not the apiserver instances: no apiserver count is " +
        'judged from it',
    );

  // 3. k3s and RKE2 stamp their builds.
  const k3s = stamped('+k3s');
  if (k3s) return k3sView(signals, k3s, staticPods.length);
  const rke2 = stamped('+rke2');
  if (rke2) return rke2View(signals.etcdTopology, rke2);

  // 4. Talos: its OS image, and etcd is a Talos service rather than a pod.
  const talos = nodes.find((node) => node.osImage?.startsWith('Talos ('));
  if (talos) return talosView(talos);

  // 5. kubeadm: its config says where etcd is and what the endpoint is.
  if (kubeadm) return kubeadmView(kubeadm, signals.etcdTopology);

  // 6. Nothing of the control plane visible, and no provider stamp: a managed service (AKS, …) or a hidden one.
  if (signals.controlPlaneHidden)
    return managed(
      'managed',
      'managed: control plane not visible',
      'no control-plane pod or Node is visible: the control plane runs outside the cluster',
      'default/kubernetes may list fewer addresses than there are apiservers (1 on AKS)',
    );

  // 7. Static pods without kubeadm's config (it is absent, or hawk may not read it).
  if (staticPods.length > 0) return staticPodsView(info.kubeadmConfig, staticPods.length, signals.etcdTopology);
  return view(
    'unknown',
    'distribution not known yet',
    'unknown',
    'unknown',
    info.gitVersion ? [`/version says ${info.gitVersion}`] : [],
    [],
  );
}

function openshiftView(): DistributionView {
  return view(
    'openshift',
    'OpenShift',
    'operator',
    'stacked',
    ['the API serves config.openshift.io'],
    [
      'control-plane pods run in openshift-kube-apiserver, openshift-kube-controller-manager, ' +
        'openshift-kube-scheduler and openshift-etcd, outside the kube-system pods hawk watches: candidates ' +
        'are not listed',
      "the scheduler's Lease is openshift-kube-scheduler/kube-scheduler (137 s duration); a " +
        'kube-system/kube-scheduler Lease without holder is a leftover, not a failure',
      'etcd health is reported by the operator in etcds.operator.openshift.io/cluster',
    ],
  );
}

/** k3s: embedded etcd when a node is an etcd member or the k3s-etcd Lease exists, else SQLite or a datastore. */
function k3sView(signals: DistributionSignals, stamp: string, staticPods: number): DistributionView {
  const etcdNodes = signals.nodes.filter(
    (node) => node.roles?.includes('etcd') || (node.etcdMemberName ?? null) !== null,
  );
  const etcd: EtcdPlacement =
    etcdNodes.length > 0 || signals.leases.includes('kube-system/k3s-etcd') ? 'embedded' : 'external-datastore';
  const evidence = [stamp];
  if (etcdNodes.length > 0)
    evidence.push(
      `${etcdNodes.length} node${etcdNodes.length === 1 ? '' : 's'} labelled node-role.kubernetes.io/etcd: ` +
        'embedded etcd members',
    );
  const label = etcd === 'embedded' ? 'k3s, embedded etcd' : 'k3s, SQLite or external datastore';
  return view('k3s', label, staticPods > 0 ? 'static-pods' : 'embedded', etcd, evidence, [
    'no control-plane pods: apiserver, controller-manager and scheduler run inside each k3s server ' +
      'process; their standbys are not listed',
    "the k3s and k3s-etcd Leases are held by a bare node name; etcd is read only with k3s's client " +
      'certificate (/var/lib/rancher/k3s/server/tls/etcd/)',
    "anonymous /readyz answers 401: apiserver readiness needs the kubeconfig's credentials",
  ]);
}

function rke2View(topology: EtcdTopology, stamp: string): DistributionView {
  return view(
    'rke2',
    `RKE2, ${etcdPhrase(topology, 'stacked')}`,
    'static-pods',
    placementOf(topology, 'stacked'),
    [stamp],
    [
      "kube-proxy's static pod also carries tier=control-plane: it is not counted as a control-plane component",
      "etcd is read only with RKE2's client certificate (/var/lib/rancher/rke2/server/tls/etcd/)",
    ],
  );
}

function talosView(talos: ControlPlaneNode): DistributionView {
  return view(
    'talos',
    'Talos, etcd as an OS service',
    'static-pods',
    'os-service',
    [`node ${talos.name} runs ${talos.osImage}`],
    [
      'etcd runs as a Talos service, not a pod: its members are not visible through the Kubernetes API ' +
        '(talosctl etcd members)',
      LOOPBACK_HEALTH,
    ],
  );
}

/** kubeadm: its ClusterConfiguration's etcd and controlPlaneEndpoint, else the topology hawk judged. */
function kubeadmView(kubeadm: KubeadmConfigSignal, topology: EtcdTopology): DistributionView {
  const placement: EtcdPlacement =
    kubeadm.etcd === 'external' ? 'external' : kubeadm.etcd === 'local' ? 'stacked' : placementOf(topology, 'unknown');
  const shown: EtcdTopology = placement === 'external' || placement === 'stacked' ? placement : 'unknown';
  const evidence = ['kube-system/kubeadm-config exists'];
  if (kubeadm.etcd) evidence.push(`its ClusterConfiguration has etcd.${kubeadm.etcd}`);
  if (kubeadm.controlPlaneEndpoint) evidence.push(`controlPlaneEndpoint ${kubeadm.controlPlaneEndpoint}`);
  else evidence.push('no controlPlaneEndpoint: the cluster was made for one control-plane node');
  return {
    ...view('kubeadm', `kubeadm, ${etcdPhrase(shown, 'unknown')}`, 'static-pods', placement, evidence, [
      LOOPBACK_HEALTH,
      KUBEADM_CERTS,
    ]),
    controlPlaneEndpoint: kubeadm.controlPlaneEndpoint,
  };
}

/** Static control-plane pods without kubeadm's config: why that config did not say more. */
function staticPodsView(
  kubeadmConfig: ClusterInfoSignals['kubeadmConfig'],
  count: number,
  topology: EtcdTopology,
): DistributionView {
  const why =
    kubeadmConfig === 'forbidden'
      ? 'kube-system/kubeadm-config is not readable with these credentials'
      : kubeadmConfig === 'absent'
        ? 'there is no kube-system/kubeadm-config'
        : 'kube-system/kubeadm-config not read yet';
  return view(
    'static-pods',
    `static control-plane pods, ${etcdPhrase(topology, 'unknown')}`,
    'static-pods',
    placementOf(topology, 'unknown'),
    [`${count} apiserver, controller-manager and scheduler pods in kube-system`, why],
    [LOOPBACK_HEALTH],
  );
}

/** stampedBy says where a build stamp shows ("/version says v1.31.4+k3s1"), null when nowhere. */
function stampedBy(gitVersion: string | null, nodes: readonly ControlPlaneNode[], stamp: string): string | null {
  if (gitVersion?.includes(stamp)) return `/version says ${gitVersion}`;
  const node = nodes.find((candidate) => candidate.kubeletVersion?.includes(stamp));
  return node ? `node ${node.name}'s kubelet says ${node.kubeletVersion}` : null;
}

function view(
  name: DistributionName,
  label: string,
  controlPlane: ControlPlaneForm,
  etcd: EtcdPlacement,
  evidence: string[],
  notVisible: string[],
): DistributionView {
  return { name, label, controlPlane, etcd, controlPlaneEndpoint: null, evidence, notVisible };
}

function managed(name: DistributionName, label: string, evidence: string, addresses: string): DistributionView {
  return view(
    name,
    label,
    'managed',
    'managed',
    [evidence],
    [
      "the control plane runs in the provider's account: apiserver instances, controller-manager, scheduler " +
        'and etcd are not visible',
      addresses,
    ],
  );
}

function placementOf(topology: EtcdTopology, fallback: EtcdPlacement): EtcdPlacement {
  return topology === 'stacked' || topology === 'external' ? topology : fallback;
}

function etcdPhrase(topology: EtcdTopology | EtcdPlacement, fallback: 'stacked' | 'unknown'): string {
  const placement = topology === 'stacked' || topology === 'external' ? topology : fallback;
  return placement === 'unknown' ? 'etcd placement unknown' : `${placement} etcd`;
}

/**
 * isLeftoverLease: a lease the distribution leaves behind and never renews, not a failure. OpenShift
 * elects its scheduler in openshift-kube-scheduler; a kube-system/kube-scheduler Lease there is a relic.
 */
export function isLeftoverLease(
  distribution: DistributionView | null | undefined,
  lease: { readonly namespace: string; readonly name: string },
): boolean {
  return distribution?.name === 'openshift' && lease.namespace === 'kube-system' && lease.name === 'kube-scheduler';
}
