import type { Finding } from './finding';
import type { LeaderTransition } from './lease';

/** What the timeline records; history is kept as these changes so any past moment can be replayed. */
export type TimelineEvent =
  | {
      readonly kind: 'leader-transition';
      readonly clusterId: string;
      readonly at: number;
      readonly transition: LeaderTransition;
    }
  | { readonly kind: 'finding-opened'; readonly clusterId: string; readonly at: number; readonly finding: Finding }
  | {
      readonly kind: 'finding-resolved';
      readonly clusterId: string;
      readonly at: number;
      readonly findingId: string;
      readonly title: string;
    }
  | {
      readonly kind: 'probe-failed';
      readonly clusterId: string;
      readonly at: number;
      readonly target: string;
      readonly error: string;
    }
  | { readonly kind: 'probe-recovered'; readonly clusterId: string; readonly at: number; readonly target: string }
  | {
      readonly kind: 'etcd-leader-change';
      readonly clusterId: string;
      readonly at: number;
      readonly from: string | null;
      readonly to: string | null;
    };
