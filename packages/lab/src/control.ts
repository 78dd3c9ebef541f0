import { type FaultRecord, appendFault } from './fault-log';
import type { LabView } from './lab-view';
import { mirrorPodStatus } from './cluster-objects';
import { withMutationLock } from './lock';
import { showsKubeadm } from './options';
import { processState, signal, startInHost, stopGracefully, waitUntilGone } from './processes';
import { writeState } from './state';
import type { ComponentInstance } from './topology';

/** How long a signalled process may take to show its new state in /proc (normally well under a millisecond). */
const SIGNAL_SETTLE_MS = 5_000;

/**
 * LabControl changes the lab: it starts, stops and signals component processes (recording their pids in the state
 * file) and appends to the fault log, serialised across processes by the mutation lock.
 */
export class LabControl {
  constructor(private readonly view: LabView) {}

  mutate<T>(action: () => Promise<T>): Promise<T> {
    return withMutationLock(this.view.paths.mutationLock, action);
  }

  /**
   * reportPodStatus sets `c`'s mirror Pod status as its kubelet would (Ready while the process runs), on labs that
   * show mirror Pods. Best effort: the API may be down (etcd stopped); `heal` reports every Pod once the lab is ready.
   */
  async reportPodStatus(c: ComponentInstance): Promise<void> {
    const profile = this.view.options.profile;
    if (!(showsKubeadm(profile) || profile === 'hand-made') || c.kind === 'haproxy' || c.kind === 'k3s-lease-holder')
      return;
    const host = this.view.host(c.host);
    if (host.role !== 'control-plane') return;
    const path = `/api/v1/namespaces/kube-system/pods/${c.id}`;
    const running = (await this.view.processState(c)) !== 'stopped';
    await this.view
      .kubeAny(async (kube) => {
        const pod = await kube.json<{ spec: { containers: { image: string }[] } }>(path, { timeoutMs: 1_000 });
        await kube.mergePatch(
          `${path}/status`,
          mirrorPodStatus(c, host, pod.spec.containers[0]?.image ?? '', new Date().toISOString(), running),
        );
      })
      .catch(() => undefined);
  }

  /** startComponent starts `c` unless it already runs (a frozen one is thawed instead). */
  async startComponent(c: ComponentInstance): Promise<'started' | 'thawed' | 'running'> {
    const outcome = await this.startProcess(c);
    if (outcome === 'started') await this.reportPodStatus(c);
    return outcome;
  }

  private async startProcess(c: ComponentInstance): Promise<'started' | 'thawed' | 'running'> {
    return this.mutate(async () => {
      const current = await this.view.processState(c);
      const pid = (await this.view.state())?.pids[c.id];
      if (current === 'running') return 'running';
      if (current === 'frozen' && pid) {
        signal(pid, 'SIGCONT');
        return 'thawed';
      }
      const newPid = startInHost(this.view.host(c.host), this.view.commandLine(c), this.view.logFile(c));
      await this.recordPid(c.id, newPid);
      return 'started';
    });
  }

  /** stopComponent ends `c` with SIGTERM (grace period, then SIGKILL); `kill` skips straight to SIGKILL. */
  async stopComponent(
    c: ComponentInstance,
    how: 'terminate' | 'kill',
  ): Promise<{ pid: number; goneAt: Date } | undefined> {
    const pid = await this.stopProcess(c, how);
    if (pid === undefined) return undefined;
    // Taken before the Pod report, which waits on the API (for seconds when this stop cost etcd its quorum).
    const goneAt = new Date();
    await this.reportPodStatus(c);
    return { pid, goneAt };
  }

  private async stopProcess(c: ComponentInstance, how: 'terminate' | 'kill'): Promise<number | undefined> {
    return this.mutate(async () => {
      const pid = (await this.view.state())?.pids[c.id];
      const binary = this.view.commandLine(c).binary;
      if (pid === undefined || (await processState(pid, binary)) === 'stopped') return undefined;
      if (how === 'kill') {
        signal(pid, 'SIGKILL');
        await waitUntilGone(pid, binary);
      } else {
        await stopGracefully(pid, binary);
      }
      return pid;
    });
  }

  /**
   * signalComponent sends SIGSTOP/SIGCONT to a running instance and returns its pid once /proc shows the process
   * frozen (or running again): signal delivery is asynchronous, and callers act on the state that follows.
   */
  async signalComponent(c: ComponentInstance, sig: 'SIGSTOP' | 'SIGCONT'): Promise<number> {
    const pid = (await this.view.state())?.pids[c.id];
    if (pid === undefined || (await this.view.processState(c)) === 'stopped') throw new Error(`${c.id} is not running`);
    signal(pid, sig);
    const expected = sig === 'SIGSTOP' ? 'frozen' : 'running';
    await this.view.waitFor(async () => (await this.view.processState(c)) === expected, SIGNAL_SETTLE_MS, {
      description: `${c.id} ${expected} after ${sig}`,
      intervalMs: 20,
    });
    return pid;
  }

  async recordPid(id: string, pid: number): Promise<void> {
    const state = await this.view.state();
    if (!state) throw new Error(`no lab state at ${this.view.paths.state}`);
    await writeState(this.view.paths.state, { ...state, pids: { ...state.pids, [id]: pid } });
  }

  async logFault(
    action: string,
    target: string,
    detail?: Record<string, unknown>,
    at = new Date(),
  ): Promise<FaultRecord> {
    const record: FaultRecord = { at: at.toISOString(), action, target, ...(detail ? { detail } : {}) };
    await appendFault(this.view.paths.faultLog, record);
    return record;
  }
}
