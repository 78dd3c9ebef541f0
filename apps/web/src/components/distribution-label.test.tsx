import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { detectDistribution } from '@hawk/core';
import { DistributionLabel } from './distribution-label';

describe('DistributionLabel', () => {
  it('names the distribution and says what hawk cannot see there', () => {
    const distribution = detectDistribution({
      info: {
        gitVersion: 'v1.36.3',
        apiGroups: [],
        kubeadmConfig: { controlPlaneEndpoint: 'lb.lab:6443', etcd: 'local', kubernetesVersion: 'v1.36.3' },
      },
      nodes: [],
      pods: [],
      leases: [],
      etcdTopology: 'stacked',
      controlPlaneHidden: false,
    });
    render(<DistributionLabel distribution={distribution} />);
    expect(screen.getByTestId('distribution').querySelector('summary')?.textContent).toBe('kubeadm, stacked etcd');
    expect(screen.getByTestId('distribution').textContent).toContain('controlPlaneEndpoint lb.lab:6443');
    expect(screen.getByTestId('distribution-not-visible').textContent).toMatch(/127\.0\.0\.1/);
  });

  it('shows nothing before detection', () => {
    const { container } = render(<DistributionLabel distribution={undefined} />);
    expect(container.textContent).toBe('');
  });
});
