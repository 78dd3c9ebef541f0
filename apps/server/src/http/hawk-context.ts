import type { HistoryRepository } from '../history/history-repository';
import type { HawkMetrics } from '../metrics/registry';
import type { Leadership } from '../replication/leadership';
import type { Replica } from '../replication/replica';
import type { PushServer } from '../transport/socket-server';
import type { VersionedStates } from '../transport/versioned-states';

/** What routes read, decorated once on the app by app.ts. */
export interface HawkContext {
  readonly states: VersionedStates;
  readonly history: HistoryRepository;
  readonly leadership: Leadership;
  readonly replica: Replica;
  readonly push: PushServer;
  readonly metrics: HawkMetrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    hawk: HawkContext;
  }
}
