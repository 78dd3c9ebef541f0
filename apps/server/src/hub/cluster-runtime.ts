import {
  evaluateCluster,
  NOTHING_CARRIED,
  settleCarried,
  type CarriedFinding,
  type CarriedFindings,
  type ClusterState,
  type HawkConfig,
  type TimelineEvent,
} from '@hawk/core';
import { instanceBase } from '../clusters/kube-client';
import type { ClusterTarget } from '../clusters/resolve-clusters';
import { createWatchSessions } from '../sources/registry';
import { createSupervisor, type SourceStats, type Supervisor } from '../sources/supervisor';
import type { Logger } from '../logger';
import { ClusterObservationFold } from './observation-fold';
import { ProbeScheduler } from './probe-scheduler';
import { sweepCertificates } from '../probes/certificate-sweep';
import { logTimeline } from './timeline-log';

/** Ticks missed in a row that mean hawk's process itself was paused, not merely busy. */
const PAUSE_TICKS = 3;

export interface ClusterRuntimeOptions {
  readonly target: ClusterTarget;
  readonly config: HawkConfig;
  readonly now: () => number;
  readonly logger: Logger;
  /** Per-request timeout of probes (ms). */
  readonly probeTimeoutMs: number;
  /** Coalescing delay before re-judging after a change (ms). */
  readonly debounceMs: number;
  /** How often time alone is re-judged (a lease falling overdue) (ms). */
  readonly tickMs: number;
  /** How often every certificate is read again (ms); a new apiserver instance is read when it appears. */
  readonly certificateIntervalMs: number;
  /** How long whole judgements must run before a finding carried over a restart and not open again is resolved (ms). */
  readonly carriedSettleMs: number;
  onState(state: ClusterState): void;
  onTimeline(event: TimelineEvent): void;
}

/**
 * ClusterRuntime owns the lifecycle of watching one cluster: the watches (supervisors) and the
 * probe scheduler feed a ClusterObservationFold; the runtime has @hawk/core judge the fold's input
 * when something changed (coalesced) or time passed, and emits the state when it differs.
 *
 * One-shot, as a Prometheus scrape loop: start() once, stop() is final and releases everything
 * (watches, probe loops, the cluster's kube and etcd connections). To watch again, make a new one.
 */
export class ClusterRuntime {
  private readonly fold: ClusterObservationFold;
  private readonly supervisors: Supervisor[] = [];
  private readonly probes: ProbeScheduler | null;
  private lifecycle: 'new' | 'running' | 'stopped' = 'new';
  private state: ClusterState;
  private lastEmitted = '';
  private debounce: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  /** Fires at the next lease deadline, so "not renewing" is said when it becomes true, not at the next tick. */
  private deadline: NodeJS.Timeout | null = null;
  /** When this runtime last judged: a long gap means hawk itself was paused. */
  private lastRanAt = 0;
  private certificateTimer: NodeJS.Timeout | null = null;
  /** A sweep under way: sweeps asked for meanwhile run once after it. */
  private certificateSweep: Promise<void> | null = null;
  private certificateSweepAgain = false;
  /** Findings the stored timeline left open when this process started (see carryOver). */
  private carried: CarriedFindings = NOTHING_CARRIED;

  constructor(private readonly options: ClusterRuntimeOptions) {
    const { target, now } = options;
    if (target.error) options.logger.error({ cluster: target.id, error: target.error }, 'cluster misconfigured');
    const identity = {
      id: target.id,
      context: target.context,
      name: target.name,
      server: target.server,
      labels: target.labels,
    };
    const foldTarget = {
      identity,
      nameDiscoverable: target.nameDiscoverable,
      error: target.error,
      etcdConfigured: target.etcd !== null,
      etcdError: target.etcdError,
    };
    this.fold = new ClusterObservationFold(foldTarget, options.config, now, now(), {
      changed: () => this.changed(),
      timeline: (event) => {
        logTimeline(options.logger, target.id, event);
        options.onTimeline(event);
      },
      endpointsChanged: (endpoints, added) => {
        // Watches fail over to these addresses when the front door is down; a new instance is probed now.
        target.kube?.setInstanceBases(endpoints.map((endpoint) => instanceBase(endpoint.address, endpoint.port)));
        if (added) {
          this.probes?.kick();
          this.readCertificates();
        }
      },
      componentsAdded: () => this.probes?.kick(),
    });
    this.probes =
      target.kube || target.etcd
        ? new ProbeScheduler({
            fold: this.fold,
            kube: target.kube,
            etcd: target.etcd,
            intervalMs: target.probeIntervalMs,
            timeoutMs: options.probeTimeoutMs,
            now,
            logger: options.logger,
          })
        : null;
    this.state = evaluateCluster(this.fold.input(), null, options.config, now()).state;
  }

  get id(): string {
    return this.options.target.id;
  }

  /** Stopped for good: a new runtime is needed to watch again. */
  get stopped(): boolean {
    return this.lifecycle === 'stopped';
  }

  current(): ClusterState {
    return this.state;
  }

  /**
   * carryOver hands over the findings a stored timeline left open: those not open again once whole judgements have run
   * for carriedSettleMs cleared while no hawk was judging, and are resolved then (core's settleCarried).
   */
  carryOver(findings: readonly CarriedFinding[]): void {
    this.carried = { findings, judgeableSince: null };
  }

  /** Settled once every source has synced, reported itself unavailable, or failed at least once. */
  settled(): boolean {
    const { target } = this.options;
    if (target.error || !target.kube) return true;
    if (this.fold.probeRounds === 0) return false;
    return this.supervisors.every((supervisor) => {
      const stats = supervisor.stats();
      return stats.state !== 'reconnecting' || stats.lastError !== null || stats.restarts > 0;
    });
  }

  sourceStats(): SourceStats[] {
    return this.supervisors.map((supervisor) => supervisor.stats());
  }

  start(): void {
    if (this.lifecycle === 'stopped')
      throw new Error(`cluster ${this.id}: a stopped runtime is never restarted; create a new one`);
    if (this.lifecycle === 'running') return;
    this.lifecycle = 'running';
    const { target, now, logger } = this.options;
    if (target.kube) {
      for (const { name, session, staleAfterMs } of createWatchSessions(
        target.kube,
        this.fold.sinks,
        () => this.fold.leaseWatchSilenceBudgetMs(),
        logger,
        target.leaseNamespaces,
      )) {
        const supervisor = createSupervisor({
          clusterId: target.id,
          name,
          session,
          staleAfterMs,
          now,
          logger,
          onFreshness: (freshness) => this.fold.recordFreshness(name, freshness),
        });
        this.fold.recordFreshness(name, supervisor.freshness());
        this.supervisors.push(supervisor);
      }
    }
    for (const supervisor of this.supervisors) supervisor.start();
    this.probes?.start();
    this.lastRanAt = now();
    this.ticker = setInterval(() => this.tick(), this.options.tickMs);
    if (target.kube || target.etcd) {
      this.readCertificates();
      this.certificateTimer = setInterval(() => this.readCertificates(), this.options.certificateIntervalMs);
    }
    this.evaluate();
  }

  /** readCertificates sweeps every certificate now, or once after the sweep under way. */
  private readCertificates(): void {
    if (this.lifecycle !== 'running') return;
    if (this.certificateSweep) {
      this.certificateSweepAgain = true;
      return;
    }
    const { target, now, logger, probeTimeoutMs } = this.options;
    this.certificateSweep = sweepCertificates({
      kube: target.kube,
      etcd: target.etcd,
      instances: this.fold.input().apiServers,
      context: target.context,
      timeoutMs: probeTimeoutMs,
      now,
      logger,
    })
      .then(({ read, tried }) => {
        if (this.lifecycle === 'running') this.fold.recordCertificates(read, tried);
      })
      .catch((error: unknown) => logger.warn({ error: String(error) }, 'certificate sweep failed'))
      .finally(() => {
        this.certificateSweep = null;
        if (this.certificateSweepAgain) {
          this.certificateSweepAgain = false;
          this.readCertificates();
        }
      });
  }

  /** Final: nothing of this runtime runs or holds a connection afterwards. */
  async stop(): Promise<void> {
    if (this.lifecycle === 'stopped') return;
    this.lifecycle = 'stopped';
    clearInterval(this.ticker ?? undefined);
    clearTimeout(this.debounce ?? undefined);
    clearTimeout(this.deadline ?? undefined);
    clearInterval(this.certificateTimer ?? undefined);
    await this.certificateSweep;
    await Promise.all([...this.supervisors.map((supervisor) => supervisor.stop()), this.probes?.stop()]);
    await Promise.allSettled([this.options.target.kube?.close(), this.options.target.etcd?.close()]);
  }

  /** tick re-judges as time passes (a lease falling overdue). */
  private tick(): void {
    this.evaluate();
  }

  /**
   * A judgement far later than the ticker allows means hawk's own process did not run (frozen, starved): what it did
   * not observe meanwhile is not the cluster's silence, so the fold's renewal stamps restart now, and probes that timed
   * out across the pause are not believed, rather than every holder being called lost on hawk's account. Checked on
   * every judgement, not only in the tick: on a thaw, a debounced judgement or a probe's timeout may run first.
   */
  private resumeIfPaused(now: number): void {
    if (now - this.lastRanAt > PAUSE_TICKS * this.options.tickMs) {
      this.options.logger.warn(
        { cluster: this.id, pausedMs: now - this.lastRanAt },
        'hawk itself did not run: renewals are observed afresh from now',
      );
      this.fold.resumeAfterPause(now, this.options.probeTimeoutMs);
    }
    this.lastRanAt = now;
  }

  /** changed coalesces bursts (a relist, a probe round) into one judgement. */
  private changed(): void {
    if (this.lifecycle !== 'running' || this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.evaluate();
    }, this.options.debounceMs);
  }

  /**
   * Re-judge just after the earliest lease deadline still ahead (overdue, then expired); the tick stays the backstop.
   */
  private armDeadline(now: number): void {
    clearTimeout(this.deadline ?? undefined);
    this.deadline = null;
    const ahead = this.state.leases
      .flatMap((lease) => [lease.overdueAt, lease.expiresAt])
      .filter((at): at is number => at !== null && at > now);
    if (ahead.length === 0) return;
    const delayMs = Math.min(...ahead) - now + 1;
    // A deadline further away than a tick is reached by a later judgement's timer.
    if (delayMs > this.options.tickMs) return;
    this.deadline = setTimeout(() => {
      this.deadline = null;
      this.evaluate();
    }, delayMs);
  }

  private evaluate(): void {
    if (this.lifecycle !== 'running') return;
    const now = this.options.now();
    this.resumeIfPaused(now);
    let evaluation;
    try {
      evaluation = evaluateCluster(this.fold.input(), this.state, this.options.config, now);
    } catch (error) {
      // A bug in judging one cluster must not stop the others, nor this one's next try.
      this.options.logger.error(
        { cluster: this.id, error: (error as Error).stack ?? String(error) },
        'evaluateCluster failed',
      );
      return;
    }
    this.state = evaluation.state;
    this.armDeadline(now);
    for (const finding of evaluation.opened)
      this.options.onTimeline({ kind: 'finding-opened', clusterId: this.id, at: now, finding });
    const settled = settleCarried(this.carried, evaluation.state, now, this.options.carriedSettleMs);
    this.carried = settled.carried;
    if (settled.cleared.length > 0)
      this.options.logger.info(
        { cluster: this.id, findings: settled.cleared.map((finding) => finding.id) },
        'findings left open from before this start are not open now: resolved (they cleared while no hawk judged)',
      );
    for (const finding of [...evaluation.resolved, ...settled.cleared])
      this.options.onTimeline({
        kind: 'finding-resolved',
        clusterId: this.id,
        at: now,
        findingId: finding.id,
        title: finding.title,
      });
    // observedAt moves every tick; only a change of anything else is pushed.
    const fingerprint = JSON.stringify({ ...evaluation.state, observedAt: 0 });
    if (fingerprint === this.lastEmitted) return;
    this.lastEmitted = fingerprint;
    this.options.onState(evaluation.state);
  }
}
