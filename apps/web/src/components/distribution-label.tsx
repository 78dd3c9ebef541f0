'use client';

import type { DistributionView } from '@hawk/core';

/**
 * The detected distribution beside the verdict ("kubeadm, stacked etcd", "EKS: control plane managed"),
 * with what decided it and what hawk cannot see there, so a quiet screen is not read as "all seen".
 */
export function DistributionLabel({ distribution }: { distribution: DistributionView | undefined }) {
  if (!distribution) return null;
  return (
    <details className="distribution" data-testid="distribution" data-distribution={distribution.name}>
      <summary>{distribution.label}</summary>
      <ul className="distribution-evidence">
        {distribution.evidence.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {distribution.notVisible.length > 0 && (
        <>
          <p>Not visible from here:</p>
          <ul className="distribution-not-visible" data-testid="distribution-not-visible">
            {distribution.notVisible.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
    </details>
  );
}
