import type { FindingDraft, Rule } from './rule';

/** ApiServerReducedServing: fewer apiservers serve than exist ("2/3 apiservers serving"). */
export const apiServerReducedServing: Rule = {
  id: 'ApiServerReducedServing',
  component: 'apiserver',
  severity: 'warning',
  impact: 'degraded',
  summary: 'Fewer kube-apiserver instances serve than exist.',
  evaluate: (input, derived) => {
    const total = input.apiServers.length;
    const serving = derived.serving.length;
    if (!derived.probesLive || total === 0 || serving === total) return [];
    const count = `${serving}/${total} apiservers serving`;
    const gravity: Pick<FindingDraft, 'severity' | 'impact' | 'title'> =
      serving === 0
        ? { severity: 'critical', impact: 'down', title: `no apiserver serving (${count})` }
        : serving === 1
          ? { severity: 'critical', impact: 'spof', title: `one apiserver left: a single point of failure (${count})` }
          : { title: count };
    return [
      {
        subject: null,
        ...gravity,
        evidence: {
          serving,
          total,
          down: input.apiServers
            .filter((i) => !derived.serving.includes(i))
            .map((i) => i.host ?? i.id)
            .join(', '),
        },
        remediation:
          'Bring the stopped instances back (static pod manifests in /etc/kubernetes/manifests, kubelet ' +
          'logs) before another one fails.',
        commands: [
          'kubectl -n kube-system get pods -l component=kube-apiserver -o wide',
          "kubectl get --raw='/readyz?verbose'",
        ],
      },
    ];
  },
};
