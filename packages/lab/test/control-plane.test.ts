import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab, type Lab } from '../src/index';

/**
 * Slack on top of the lease duration: the standby's next retry, a renew deadline's worth of scheduling noise on two
 * cores.
 */
const FAILOVER_SLACK_MS = 10_000;

let lab: Lab;

beforeAll(async () => {
  lab = await ensureLab();
});

afterAll(async () => {
  await lab.fault.heal();
});

describe('scenario 1: steady state, full HA', () => {
  it('every process runs and every apiserver is ready', async () => {
    const processes = await lab.processes();
    expect(processes.filter((p) => p.state !== 'running')).toEqual([]);
    expect(processes).toHaveLength(13);
    expect((await lab.apiServerReadiness()).map((a) => a.ready)).toEqual([true, true, true]);
  });

  it('the default/kubernetes EndpointSlice lists the three apiserver addresses', async () => {
    const slices = await lab
      .kube()
      .json<{ items: { endpoints: { addresses: string[] }[] }[] }>(
        '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices' +
          '?labelSelector=kubernetes.io%2Fservice-name%3Dkubernetes',
      );
    const addresses = slices.items.flatMap((s) => s.endpoints.flatMap((e) => e.addresses)).sort();
    expect(addresses).toEqual(lab.nodes.map((n) => n.ip));
  });

  it('three apiserver identity Leases exist, one per hostname', async () => {
    const leases = await lab.kube().leases('kube-system', 'apiserver.kubernetes.io/identity=kube-apiserver');
    expect(leases).toHaveLength(3);
    expect(new Set(leases.map((l) => l.spec.holderIdentity)).size).toBe(3);
  });

  it('controller-manager and scheduler leases are held by lab nodes', async () => {
    for (const kind of ['kube-controller-manager', 'kube-scheduler'] as const) {
      const holder = await lab.leaseHolder(kind);
      expect(holder?.identity).toMatch(/^cp-[1-3]_[0-9a-f-]{36}$/);
      expect(lab.nodes.map((n) => n.name)).toContain(holder?.node);
    }
  });

  it('Nodes and mirror Pods show the placement kubeadm would', async () => {
    const nodes = await lab
      .kube()
      .json<{ items: { metadata: { name: string; labels: Record<string, string> } }[] }>('/api/v1/nodes');
    expect(
      nodes.items.map((n) => [
        n.metadata.name,
        n.metadata.labels['topology.kubernetes.io/zone'],
        n.metadata.labels['node-role.kubernetes.io/control-plane'],
      ]),
    ).toEqual([
      ['cp-1', 'zone-a', ''],
      ['cp-2', 'zone-b', ''],
      ['cp-3', 'zone-c', ''],
    ]);
    const pods = await lab.kube().json<{
      items: { metadata: { name: string }; spec: { nodeName: string; containers: { command: string[] }[] } }[];
    }>('/api/v1/namespaces/kube-system/pods?labelSelector=component%3Dkube-apiserver%2Ctier%3Dcontrol-plane');
    expect(pods.items.map((p) => p.spec.nodeName).sort()).toEqual(['cp-1', 'cp-2', 'cp-3']);
    // The mirror Pod shows the command line the process really runs.
    for (const pod of pods.items) {
      const running = lab.commandLine(lab.instance('kube-apiserver', Number(pod.spec.nodeName.replace('cp-', ''))));
      expect(pod.spec.containers[0]?.command).toEqual([basename(running.binary), ...running.args]);
    }
  });

  it('etcd: three healthy members and a leader', async () => {
    const etcd = await lab.etcdStatus();
    expect(etcd.healthyCount).toBe(3);
    expect(etcd.members.map((m) => m.name).sort()).toEqual(['cp-1', 'cp-2', 'cp-3']);
    expect(etcd.leader).toBeDefined();
  });
});

describe('scenario 2: the controller-manager leader is killed', () => {
  it('another instance takes the lease within lease duration + slack, and leaseTransitions grows', async () => {
    const before = await lab.leaseHolder('kube-controller-manager');
    expect(before).toBeDefined();
    const fault = await lab.fault.killLeader('kube-controller-manager');
    expect(fault).toMatchObject({ action: 'kill', target: before!.instance.id });
    await lab.waitFor(async () => (await lab.processState(before!.instance)) === 'stopped', 5_000, {
      description: `${before!.instance.id} stopped`,
    });

    const limitMs = lab.options.leaderElection.leaseDurationSeconds * 1000 + FAILOVER_SLACK_MS;
    const after = await lab.waitFor(
      async () => {
        const h = await lab.leaseHolder('kube-controller-manager');
        return h && h.node !== before!.node ? h : undefined;
      },
      limitMs,
      { description: 'a new kube-controller-manager leader' },
    );
    expect(Date.now() - Date.parse(fault.at)).toBeLessThan(limitMs);
    expect(after.lease.spec.leaseTransitions ?? 0).toBeGreaterThan(before!.lease.spec.leaseTransitions ?? 0);

    await lab.fault.start('kube-controller-manager', before!.instance.index);
    await lab.waitFor(async () => (await lab.processState(before!.instance)) === 'running', 5_000, {
      description: `${before!.instance.id} running again`,
    });
  });
});

describe('scenario 3: the scheduler leader is frozen', () => {
  it('a live process that stops renewing loses the lease; heal brings the topology back', async () => {
    const before = await lab.leaseHolder('kube-scheduler');
    await lab.fault.freezeLeader('kube-scheduler');
    // SIGSTOP is delivered asynchronously: wait for /proc to show it, with a deadline, instead of reading once.
    await lab.waitFor(async () => (await lab.processState(before!.instance)) === 'frozen', 5_000, {
      description: `${before!.instance.id} frozen`,
    });
    const limitMs = lab.options.leaderElection.leaseDurationSeconds * 1000 + FAILOVER_SLACK_MS;
    await lab.waitFor(async () => (await lab.leaseHolder('kube-scheduler'))?.node !== before!.node, limitMs, {
      description: 'a new kube-scheduler leader',
    });
    await lab.fault.heal();
    expect((await lab.processes()).every((p) => p.state === 'running')).toBe(true);
  });
});

describe('scenario 7: one etcd member stops', () => {
  it('leaves a 2/3 cluster with a leader', async () => {
    const leader = await lab.etcdLeader();
    // Stop a follower so the test is about losing a member, not about an election.
    const victim = [1, 2, 3].find((i) => i !== leader?.index)!;
    await lab.fault.stopEtcd(victim);
    const status = await lab.waitFor(
      async () => {
        const s = await lab.etcdStatus();
        return s.healthyCount === 2 && s.leader ? s : undefined;
      },
      30_000,
      { description: 'etcd 2/3 with a leader' },
    );
    expect(status.hasQuorum).toBe(true);
    expect(status.statuses.find((s) => s.name === `cp-${victim}`)?.healthy).toBe(false);
    await lab.fault.heal();
    expect((await lab.etcdStatus()).healthyCount).toBe(3);
  });

  it('stopping the etcd leader elects another', async () => {
    const leader = await lab.etcdLeader();
    await lab.fault.stopEtcdLeader();
    const next = await lab.waitFor(
      async () => {
        const l = await lab.etcdLeader();
        return l && l.id !== leader?.id ? l : undefined;
      },
      30_000,
      { description: 'a new etcd leader' },
    );
    expect(next.id).not.toBe(leader?.id);
    await lab.fault.heal();
  });
});

describe('scenario 4 and 6: an apiserver, the load balancer', () => {
  it('one apiserver stopped: that instance not ready, the LB still serves', async () => {
    await lab.fault.stopApiServer(2);
    await lab.waitFor(
      async () => (await lab.apiServerReadiness()).map((a) => a.ready).join() === 'true,false,true',
      10_000,
      {
        description: 'apiserver 2 not ready, 1 and 3 ready',
      },
    );
    await lab.waitFor(async () => (await lab.kube().readyz()).ready, 10_000, {
      description: 'LB serving with 2 apiservers',
    });
    await lab.fault.heal();
  });

  it('load balancer stopped: the apiservers still answer directly', async () => {
    await lab.fault.stopLoadBalancer();
    await lab.waitFor(async () => !(await lab.kube().readyz()).ready, 10_000, { description: 'the LB refusing' });
    await lab.waitFor(async () => (await lab.apiServerReadiness()).every((a) => a.ready), 10_000, {
      description: 'every apiserver ready directly',
    });
    await lab.fault.heal();
  });

  it('a node cut off the network is unreachable, and comes back', async () => {
    await lab.fault.cutNode(3);
    await lab.waitFor(async () => !(await lab.apiserver(3).readyz(1_000)).ready, 10_000, {
      description: 'cp-3 unreachable',
    });
    await lab.fault.restoreNode(3);
    await lab.waitFor(async () => (await lab.apiserver(3).readyz()).ready, 30_000, {
      description: 'cp-3 apiserver ready again',
    });
    await lab.fault.heal();
  });
});

describe('the fault log', () => {
  it('records every fault with a timestamp, in order', async () => {
    const log = await lab.faultLog();
    const actions = log.map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(['kill', 'freeze', 'stop', 'heal', 'cut-network', 'restore-network']),
    );
    const times = log.map((r) => Date.parse(r.at));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });
});
