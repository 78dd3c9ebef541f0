import { describe, expect, it } from 'vitest';
import type { ClusterInfoSignals } from '../model/distribution';
import type { ControlPlaneNode, ControlPlanePod } from '../model/node';
import { detectDistribution, isLeftoverLease, type DistributionSignals } from './detect';
import { componentOf, isControlPlaneComponent } from './discovery';

const node = (name: string, extra: Partial<ControlPlaneNode> = {}): ControlPlaneNode => ({
  name,
  addresses: ['10.0.0.1'],
  zone: null,
  ready: true,
  ...extra,
});
const pod = (component: string, nodeName: string): ControlPlanePod => ({
  name: `${component}-${nodeName}`,
  component,
  node: nodeName,
  podIP: '10.0.0.1',
  etcdServers: [],
  ready: true,
  componentLabel: 'component',
});
const kubeadmPods = ['cp-1', 'cp-2', 'cp-3'].flatMap((n) =>
  ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => pod(c, n)),
);
const info = (overrides: Partial<ClusterInfoSignals>): ClusterInfoSignals => ({
  gitVersion: 'v1.36.3',
  apiGroups: ['apps', 'coordination.k8s.io'],
  kubeadmConfig: 'absent',
  ...overrides,
});
const signals = (overrides: Partial<DistributionSignals>): DistributionSignals => ({
  info: info({}),
  nodes: [node('cp-1'), node('cp-2'), node('cp-3')],
  pods: [],
  leases: ['kube-system/kube-controller-manager', 'kube-system/kube-scheduler'],
  etcdTopology: 'unknown',
  controlPlaneHidden: false,
  ...overrides,
});

describe('detectDistribution', () => {
  it.each<[string, Partial<DistributionSignals>, string, string, string]>([
    [
      'kubeadm, stacked (config says etcd.local)',
      {
        info: info({
          kubeadmConfig: { controlPlaneEndpoint: 'cp.example:6443', etcd: 'local', kubernetesVersion: 'v1.36.3' },
        }),
        pods: kubeadmPods,
        etcdTopology: 'stacked',
      },
      'kubeadm',
      'kubeadm, stacked etcd',
      'stacked',
    ],
    [
      'kubeadm, external (config says etcd.external)',
      {
        info: info({
          kubeadmConfig: { controlPlaneEndpoint: 'cp.example:6443', etcd: 'external', kubernetesVersion: null },
        }),
        pods: kubeadmPods.filter((p) => p.component !== 'etcd'),
      },
      'kubeadm',
      'kubeadm, external etcd',
      'external',
    ],
    [
      'static pods without a readable kubeadm-config',
      { info: info({ kubeadmConfig: 'forbidden' }), pods: kubeadmPods, etcdTopology: 'stacked' },
      'static-pods',
      'static control-plane pods, stacked etcd',
      'stacked',
    ],
    [
      'k3s with embedded etcd (etcd role on nodes, k3s-etcd lease)',
      {
        info: info({ gitVersion: 'v1.31.4+k3s1' }),
        nodes: ['s1', 's2', 's3'].map((n) =>
          node(n, {
            roles: ['control-plane', 'etcd', 'master'],
            etcdMemberName: `${n}-1a2b3c4d`,
            kubeletVersion: 'v1.31.4+k3s1',
          }),
        ),
        leases: [
          'kube-system/k3s',
          'kube-system/k3s-etcd',
          'kube-system/kube-controller-manager',
          'kube-system/kube-scheduler',
        ],
      },
      'k3s',
      'k3s, embedded etcd',
      'embedded',
    ],
    [
      'k3s single server on SQLite',
      {
        info: info({ gitVersion: 'v1.31.4+k3s1' }),
        nodes: [node('s1', { roles: ['control-plane', 'master'] })],
        leases: ['kube-system/k3s'],
      },
      'k3s',
      'k3s, SQLite or external datastore',
      'external-datastore',
    ],
    [
      'RKE2 (+rke2, static pods)',
      { info: info({ gitVersion: 'v1.30.8+rke2r1' }), pods: kubeadmPods, etcdTopology: 'stacked' },
      'rke2',
      'RKE2, stacked etcd',
      'stacked',
    ],
    [
      'Talos (osImage), etcd not a pod',
      {
        nodes: [node('talos-cp-1', { osImage: 'Talos (v1.9.1)' })],
        pods: kubeadmPods.filter((p) => p.component !== 'etcd'),
      },
      'talos',
      'Talos, etcd as an OS service',
      'os-service',
    ],
    [
      'OpenShift (config.openshift.io)',
      { info: info({ gitVersion: 'v1.31.6', apiGroups: ['apps', 'config.openshift.io', 'operator.openshift.io'] }) },
      'openshift',
      'OpenShift',
      'stacked',
    ],
    [
      'EKS (-eks-)',
      { info: info({ gitVersion: 'v1.30.9-eks-8cce635' }), nodes: [], controlPlaneHidden: false },
      'eks',
      'EKS: control plane managed',
      'managed',
    ],
    [
      'GKE (-gke.)',
      { info: info({ gitVersion: 'v1.30.5-gke.1014001' }), nodes: [], controlPlaneHidden: true },
      'gke',
      'GKE: control plane managed',
      'managed',
    ],
    [
      'AKS-like: nothing visible, no stamp',
      { info: info({ gitVersion: 'v1.30.7' }), nodes: [], leases: [], controlPlaneHidden: true },
      'managed',
      'managed: control plane not visible',
      'managed',
    ],
    [
      'k3s stamp read from the kubelets when /version is not read yet',
      { info: info({ gitVersion: null }), nodes: [node('s1', { kubeletVersion: 'v1.31.4+k3s1', roles: ['etcd'] })] },
      'k3s',
      'k3s, embedded etcd',
      'embedded',
    ],
    [
      "k3s stamp only on the kubelets (the lab's k3s shape serves a plain /version)",
      { nodes: [node('s1', { kubeletVersion: 'v1.36.3+k3s1', etcdMemberName: 's1-0a1b' })] },
      'k3s',
      'k3s, embedded etcd',
      'embedded',
    ],
    [
      'EKS stamp only on the worker kubelets',
      {
        info: info({ gitVersion: 'v1.30.9' }),
        nodes: [node('ip-10-0-1-5.ec2.internal', { kubeletVersion: 'v1.30.9-eks-8cce635' })],
      },
      'eks',
      'EKS: control plane managed',
      'managed',
    ],
    ['nothing known yet', { nodes: [], leases: [] }, 'unknown', 'distribution not known yet', 'unknown'],
  ])('%s', (_name, overrides, name, label, etcd) => {
    const view = detectDistribution(signals(overrides));
    expect(view.name).toBe(name);
    expect(view.label).toBe(label);
    expect(view.etcd).toBe(etcd);
    if (name !== 'unknown') expect(view.evidence.length).toBeGreaterThan(0);
  });

  it('says what cannot be seen from here', () => {
    const kubeadm = detectDistribution(
      signals({
        info: info({ kubeadmConfig: { controlPlaneEndpoint: 'lb:6443', etcd: 'local', kubernetesVersion: null } }),
        pods: kubeadmPods,
      }),
    );
    expect(kubeadm.controlPlaneEndpoint).toBe('lb:6443');
    expect(kubeadm.notVisible.join(' ')).toMatch(/127\.0\.0\.1.*kubelet's readiness/);
    expect(
      detectDistribution(signals({ info: info({ gitVersion: 'v1.30.9-eks-8cce635' }) })).notVisible.join(' '),
    ).toMatch(/2 addresses whatever the real count/);
    expect(detectDistribution(signals({ info: info({ gitVersion: 'v1.31.4+k3s1' }) })).controlPlane).toBe('embedded');
    expect(
      detectDistribution(
        signals({
          info: info({ kubeadmConfig: { controlPlaneEndpoint: null, etcd: 'local', kubernetesVersion: null } }),
          pods: kubeadmPods,
        }),
      ).evidence,
    ).toContain('no controlPlaneEndpoint: the cluster was made for one control-plane node');
  });

  it("OpenShift's kube-system/kube-scheduler Lease is a leftover; elsewhere it is the scheduler's", () => {
    const openshift = detectDistribution(signals({ info: info({ apiGroups: ['config.openshift.io'] }) }));
    const kubeadm = detectDistribution(
      signals({
        info: info({ kubeadmConfig: { controlPlaneEndpoint: null, etcd: 'local', kubernetesVersion: null } }),
      }),
    );
    expect(isLeftoverLease(openshift, { namespace: 'kube-system', name: 'kube-scheduler' })).toBe(true);
    expect(isLeftoverLease(openshift, { namespace: 'kube-system', name: 'kube-controller-manager' })).toBe(false);
    expect(isLeftoverLease(kubeadm, { namespace: 'kube-system', name: 'kube-scheduler' })).toBe(false);
    expect(isLeftoverLease(undefined, { namespace: 'kube-system', name: 'kube-scheduler' })).toBe(false);
  });
});

describe('control-plane pod discovery', () => {
  it.each<[string, Record<string, string>, string, string, string]>([
    [
      'kubeadm',
      { component: 'kube-apiserver', tier: 'control-plane' },
      'kube-apiserver-cp-1',
      'kube-apiserver',
      'component',
    ],
    [
      'Talos (k8s-app only)',
      { 'k8s-app': 'kube-controller-manager', tier: 'control-plane' },
      'kube-controller-manager-talos-cp-1',
      'kube-controller-manager',
      'k8s-app',
    ],
    [
      'no label: a node name with dashes',
      { tier: 'control-plane' },
      'kube-scheduler-talos-cp-1',
      'kube-scheduler',
      'name',
    ],
    [
      'RKE2 kube-proxy',
      { component: 'kube-proxy', tier: 'control-plane' },
      'kube-proxy-node-7',
      'kube-proxy',
      'component',
    ],
  ])('%s', (_name, labels, podName, component, label) => {
    expect(componentOf(labels, podName)).toEqual({ component, componentLabel: label });
  });

  it('kube-proxy is not a control-plane component (RKE2 labels it tier=control-plane)', () => {
    expect(isControlPlaneComponent('kube-proxy')).toBe(false);
    for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'cloud-controller-manager'])
      expect(isControlPlaneComponent(c)).toBe(true);
  });
});
