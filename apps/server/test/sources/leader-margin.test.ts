import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '@hawk/core';
import type { ComponentKind } from '@hawk/lab';
import { sleep } from '@hawk/testkit/hawk-process';
import { finding, useLabHub } from '@hawk/testkit/lab-hub';

const aboutLease = (name: string) => (subject: string | null) => subject?.endsWith(name) ?? false;

// Issue 28 §2: a degradation, not a kill. The holder frozen 6 s of every 9 s renews right after each thaw, 7 s after
// its last renewal: late on its 10 s renew deadline, yet in time, so the lease never expires. It has 3 s running to
// renew in: only a renewal delayed past that would miss a whole thaw and leave a gap past the 15 s lease. At 7 s of 9
// (2 s running) a CI run's holder, on a loaded machine, did miss one: a real 15 s gap, and hawk rightly said "leader
// lost". Not 5 s of 9: with 4 s running it sometimes renews a third time before the freeze, and no interval is late.
// The margin warning opens while it still leads.
describe('leader margin', () => {
  const h = useLabHub();
  const lease = 'kube-controller-manager';
  const marginLow = (s: Parameters<typeof finding>[0]) => finding(s, 'LeaderElectionMarginLow', aboutLease(lease));

  /** Freezes one instance `frozenMs` of every 9 s until the returned stop is awaited, which leaves it thawed. */
  const freezeInBursts = (kind: ComponentKind, index: number, frozenMs: number): (() => Promise<void>) => {
    let bursting = true;
    const bursts = (async () => {
      while (bursting) {
        await h.lab.fault.freeze(kind, index);
        await sleep(frozenMs);
        await h.lab.fault.thaw(kind, index);
        await sleep(9_000 - frozenMs);
      }
    })();
    return async () => {
      bursting = false;
      await bursts;
    };
  };

  it('the controller-manager leader frozen 6 s of every 9 s: the margin warning opens with no lease loss, clears after', async () => {
    const holder = (await h.lab.leaseHolder(lease))!;
    const transitionsBefore = holder.lease.spec.leaseTransitions ?? 0;
    expect(marginLow(h.state())).toBeFalsy(); // the quiet lab, renewing every 2 s, is not warned about
    const stopBursts = freezeInBursts(lease, holder.instance.index, 6_000);
    const startedAt = Date.now();
    try {
      const openedAt = await h.until(`${lease}: margin warning opens`, (s) => !!marginLow(s), 90_000);
      const warned = marginLow(h.state())!;
      console.log(`[leader margin] opened ${openedAt - startedAt} ms after the bursts began: ${warned.title}`);
      expect(warned.kind).toBe('expected');
      expect(h.state().leases.find((l) => l.name === lease)!.record!.holderIdentity).toBe(holder.identity);
      await sleep(20_000); // two more bursts under the warning: still the same holder, no loss
    } finally {
      await stopBursts();
    }
    const stoppedAt = Date.now();
    const after = (await h.lab.lease(lease))!.spec;
    expect(after.holderIdentity).toBe(holder.identity);
    expect(after.leaseTransitions ?? 0).toBe(transitionsBefore);
    expect(h.timeline.some((e) => e.kind === 'leader-transition' && e.at >= startedAt)).toBe(false);
    const clearedAt = await h.until(`${lease}: margin warning clears`, (s) => !marginLow(s), 60_000);
    console.log(
      `[leader margin] no lease loss in ${stoppedAt - startedAt} ms of bursts; cleared ${clearedAt - stoppedAt} ms ` +
        'after they stopped',
    );
    expect(
      h.timeline.filter((e) => e.kind === 'finding-opened' && e.finding.ruleId === 'LeaderElectionLeaderLost'),
    ).toEqual([]);
    await h.lab.fault.heal();
  });

  // The common cause: not the holder but the apiserver it talks to (kubeadm points the controller-manager at its own
  // node's apiserver). That apiserver frozen 7 s of every 9 s delays each renewal until it thaws; the warning must name
  // it as the likely cause, and the holder must not change.
  it("the apiserver on the holder's node frozen 7 s of every 9 s: the margin warning names it", async () => {
    // A clean start: none of the holder's recent intervals late (the test above leaves some behind after it clears),
    // so the warning below is opened by this fault alone.
    await h.until(
      `${lease}: no late renewal among the last ${DEFAULT_CONFIG.leaderMarginWindow} before the fault`,
      (s) => {
        const margin = s.leases.find((l) => l.name === lease)?.margin;
        return !marginLow(s) && margin?.late === 0 && margin.intervalsMs.length >= DEFAULT_CONFIG.leaderMarginWindow;
      },
      60_000,
    );
    const holder = (await h.lab.leaseHolder(lease))!;
    const node = `cp-${holder.instance.index}`;
    const transitionsBefore = holder.lease.spec.leaseTransitions ?? 0;
    const stopBursts = freezeInBursts('kube-apiserver', holder.instance.index, 7_000);
    const startedAt = Date.now();
    const causes = new Set<string>();
    try {
      const namedAt = await h.until(
        `${lease}: margin warning naming the apiserver on ${node}`,
        (s) => {
          const cause = marginLow(s)?.evidence.likelyCause;
          if (typeof cause === 'string') causes.add(cause);
          return typeof cause === 'string' && cause.includes(`on the holder's node ${node}`);
        },
        120_000,
      );
      const warned = marginLow(h.state())!;
      console.log(`[leader margin] named ${namedAt - startedAt} ms after the bursts began: ${warned.title}`);
      expect(warned.kind).toBe('expected');
      expect(warned.title).toMatch(new RegExp(`\\(apiserver \\S+ (answers /readyz in \\d+ ms|fails /readyz)\\)$`));
    } finally {
      await stopBursts();
      await h.lab.fault.heal();
    }
    console.log(`[leader margin] likely causes seen while warned: ${JSON.stringify([...causes])}`);
    const after = (await h.lab.lease(lease))!.spec;
    expect(after.holderIdentity).toBe(holder.identity);
    expect(after.leaseTransitions ?? 0).toBe(transitionsBefore);
    const stoppedAt = Date.now();
    const clearedAt = await h.until(`${lease}: margin warning clears`, (s) => !marginLow(s), 60_000);
    console.log(`[leader margin] cleared ${clearedAt - stoppedAt} ms after the bursts stopped`);
  }, 300_000);
});
