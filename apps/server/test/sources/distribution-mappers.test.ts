import { describe, expect, it } from 'vitest';
import { mapControlPlaneNode } from '../../src/sources/nodes';
import { mapControlPlanePod } from '../../src/sources/pods';

// What the pod and node mappers read for distribution detection and candidate liveness (issue 15).
describe('control-plane pods as kubelets report them', () => {
  const kubeadmControllerManager = {
    metadata: {
      name: 'kube-controller-manager-cp-2',
      labels: { component: 'kube-controller-manager', tier: 'control-plane' },
    },
    spec: {
      nodeName: 'cp-2',
      containers: [{ command: ['kube-controller-manager', '--bind-address=127.0.0.1', '--leader-elect=true'] }],
    },
    status: {
      podIP: '10.0.0.12',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        {
          name: 'kube-controller-manager',
          ready: true,
          restartCount: 2,
          state: { running: { startedAt: '2026-12-02T04:00:00Z' } },
        },
      ],
    },
  };

  it("kubeadm's controller-manager: loopback health, the kubelet's readiness and the container's life", () => {
    expect(mapControlPlanePod(kubeadmControllerManager)).toMatchObject({
      value: {
        component: 'kube-controller-manager',
        componentLabel: 'component',
        health: { reason: '--bind-address=127.0.0.1: health endpoint only reachable on the node' },
        ready: true,
        containerStart: '2026-12-02T04:00:00Z#2',
      },
    });
  });

  it('a restarted container is a new life; a not-Ready pod says so', () => {
    const restarted = {
      ...kubeadmControllerManager,
      status: {
        ...kubeadmControllerManager.status,
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [{ restartCount: 3, state: { running: { startedAt: new Date('2026-12-02T04:10:00Z') } } }],
      },
    };
    expect(mapControlPlanePod(restarted)).toMatchObject({
      value: { ready: false, containerStart: '2026-12-02T04:10:00.000Z#3' },
    });
  });

  it("RKE2's kube-proxy, labelled tier=control-plane, is not a control-plane pod", () => {
    expect(
      mapControlPlanePod({
        metadata: { name: 'kube-proxy-node-7', labels: { component: 'kube-proxy', tier: 'control-plane' } },
      }),
    ).toEqual({
      error: 'kube-proxy-node-7: kube-proxy is not a control-plane component',
    });
  });

  it("Talos's static pods are named by k8s-app, on nodes whose names have dashes", () => {
    expect(
      mapControlPlanePod({
        metadata: { name: 'kube-scheduler-talos-cp-1', labels: { 'k8s-app': 'kube-scheduler', tier: 'control-plane' } },
      }),
    ).toMatchObject({
      value: { component: 'kube-scheduler', componentLabel: 'k8s-app' },
    });
    expect(
      mapControlPlanePod({ metadata: { name: 'kube-apiserver-talos-cp-1', labels: { tier: 'control-plane' } } }),
    ).toMatchObject({
      value: { component: 'kube-apiserver', componentLabel: 'name' },
    });
  });
});

describe('nodes: distribution hints', () => {
  it('a k3s server with embedded etcd', () => {
    const raw = {
      metadata: {
        name: 's1',
        labels: {
          'node-role.kubernetes.io/control-plane': 'true',
          'node-role.kubernetes.io/etcd': 'true',
          'node-role.kubernetes.io/master': 'true',
        },
        annotations: { 'etcd.k3s.cattle.io/node-name': 's1-5f2a3b1c', 'etcd.k3s.cattle.io/node-address': '10.0.0.21' },
      },
      status: {
        nodeInfo: { osImage: 'Ubuntu 24.04.1 LTS', kubeletVersion: 'v1.31.4+k3s1' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    };
    expect(mapControlPlaneNode(raw)).toMatchObject({
      value: {
        roles: ['control-plane', 'etcd', 'master'],
        etcdMemberName: 's1-5f2a3b1c',
        kubeletVersion: 'v1.31.4+k3s1',
        osImage: 'Ubuntu 24.04.1 LTS',
      },
    });
  });

  it('a Talos control-plane node', () => {
    const raw = {
      metadata: { name: 'talos-cp-1', labels: { 'node-role.kubernetes.io/control-plane': '' } },
      status: { nodeInfo: { osImage: 'Talos (v1.9.1)', kubeletVersion: 'v1.32.0' } },
    };
    expect(mapControlPlaneNode(raw)).toMatchObject({
      value: { osImage: 'Talos (v1.9.1)', roles: ['control-plane'], etcdMemberName: null },
    });
  });
});
