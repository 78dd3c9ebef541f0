import { describe, expect, it } from 'vitest';
import { marginEpisodesMarkdown, type MarginEpisode } from './margin-episodes';

const episode = (warningAt: number | null, leaseLossAt: number | null, harmlessWarnings = 0): MarginEpisode => ({
  lease: 'kube-controller-manager',
  holder: 'cp-1_a',
  startedAt: 0,
  levels: [],
  warningAt,
  warningLevel: warningAt === null ? null : 7,
  warningTitle: null,
  warningIntervalsMs: warningAt === null ? null : '2001, 8950, 9012',
  likelyCause: null,
  harmlessWarnings,
  leaseLossAt,
  leaseLossLevel: leaseLossAt === null ? null : 15,
  leaseLost: leaseLossAt === null ? null : 'cp-1_a → cp-2_b',
});

describe('marginEpisodesMarkdown', () => {
  it('leads only where the warning came before the loss; a warning after it, or none, is not a lead', () => {
    const markdown = marginEpisodesMarkdown(
      [episode(100_000, 190_000), episode(50_000, 40_000), episode(null, 120_000), episode(60_000, 130_000, 1)],
      { ms: 120_000, warnings: [] },
      25_000,
    );
    expect(markdown).toContain('Lead time: median 70.0 s, min 70.0 s, max 90.0 s (2 of 4 episodes warned before');
    expect(markdown).toContain('| 2 | kube-controller-manager | +50.0 s (frozen 7 s a cycle) |');
    expect(markdown).toMatch(/\| 2 \|.*\| \+40\.0 s \(frozen 15 s a cycle\) \| — \| 0 \|$/m);
    expect(markdown).toMatch(/\| 4 \|.*none named \|.*\| 70\.0 s \| 1 \|$/m);
    expect(markdown).toContain('Quiet period: 120.0 s, LeaderElectionMarginLow opened 0 times');
  });
});
