import {
  applyPatch,
  type ClusterState,
  type ClusterSummary,
  type ErrorMessage,
  type OverviewMessage,
  type PatchMessage,
  type SnapshotMessage,
  type TimelineEvent,
} from '@hawk/core';

/** Live timeline events kept per cluster in the browser; older ones are fetched over REST when asked for. */
export const LIVE_TIMELINE_KEPT = 200;

export interface ClusterEntry {
  readonly version: number;
  readonly state: ClusterState;
  /** Browser clock when the entry last changed. */
  readonly receivedAt: number;
}

export type ConnectionState = 'connecting' | 'live' | 'disconnected';

export interface Connection {
  readonly state: ConnectionState;
  /** When the connection entered its state (browser clock), null before the first attempt settled. */
  readonly since: number | null;
  /** When anything last arrived from the server: "data as of" while disconnected. */
  readonly lastMessageAt: number | null;
  /** Why the last connection attempt failed ("unauthorized", "xhr poll error"…), null when fine. */
  readonly error: string | null;
}

/** Everything the browser knows, as folded from the socket. */
export interface HawkView {
  readonly connection: Connection;
  readonly overview: {
    readonly version: number;
    readonly clusters: readonly ClusterSummary[];
    readonly receivedAt: number;
  } | null;
  readonly clusters: Readonly<Record<string, ClusterEntry>>;
  /** Timeline events pushed since the page opened, newest last, bounded per cluster. */
  readonly liveTimeline: Readonly<Record<string, readonly TimelineEvent[]>>;
  readonly lastError: ErrorMessage | null;
}

/**
 * What the socket hook feeds in: server events plus the socket's own lifecycle, each stamped with the browser clock.
 */
export type HawkMessage =
  | { readonly type: 'snapshot'; readonly at: number; readonly message: SnapshotMessage }
  | { readonly type: 'patch'; readonly at: number; readonly message: PatchMessage }
  | { readonly type: 'overview'; readonly at: number; readonly message: OverviewMessage }
  | { readonly type: 'timeline'; readonly at: number; readonly event: TimelineEvent }
  | { readonly type: 'hawk-error'; readonly at: number; readonly message: ErrorMessage }
  | { readonly type: 'connected'; readonly at: number }
  | { readonly type: 'connect-failed'; readonly at: number; readonly error: string }
  | { readonly type: 'disconnected'; readonly at: number };

/** Side effects the fold asks the hook to perform; the fold itself never touches the socket. */
export type HawkCommand = { readonly kind: 'resync'; readonly clusterId: string };

export interface Folded {
  readonly view: HawkView;
  readonly commands: readonly HawkCommand[];
}

export const INITIAL_VIEW: HawkView = {
  connection: { state: 'connecting', since: null, lastMessageAt: null, error: null },
  overview: null,
  clusters: {},
  liveTimeline: {},
  lastError: null,
};

const received = (view: HawkView, at: number): HawkView => ({
  ...view,
  connection: { ...view.connection, lastMessageAt: at },
});

/**
 * Folds one message into the view. Patches apply only onto the exact version they were cut from:
 * a gap (or a patch for a cluster never snapshotted) leaves the view as it was and asks for a
 * resync, so the screen never shows a state the server never had.
 */
export function foldMessage(view: HawkView, message: HawkMessage): Folded {
  switch (message.type) {
    case 'snapshot': {
      const { clusterId, version, state } = message.message;
      // A snapshot always wins: after a backend restart versions start again from 1.
      const clusters = { ...view.clusters, [clusterId]: { version, state, receivedAt: message.at } };
      return { view: { ...received(view, message.at), clusters }, commands: [] };
    }
    case 'patch': {
      const { clusterId, version, baseVersion, parts } = message.message;
      const entry = view.clusters[clusterId];
      if (entry && version <= entry.version) return { view: received(view, message.at), commands: [] };
      if (!entry || entry.version !== baseVersion)
        return { view: received(view, message.at), commands: [{ kind: 'resync', clusterId }] };
      const next: ClusterEntry = { version, state: applyPatch(entry.state, parts), receivedAt: message.at };
      return {
        view: { ...received(view, message.at), clusters: { ...view.clusters, [clusterId]: next } },
        commands: [],
      };
    }
    case 'overview': {
      const { version, clusters } = message.message;
      return {
        view: { ...received(view, message.at), overview: { version, clusters, receivedAt: message.at } },
        commands: [],
      };
    }
    case 'timeline': {
      const { clusterId } = message.event;
      const kept = [...(view.liveTimeline[clusterId] ?? []), message.event].slice(-LIVE_TIMELINE_KEPT);
      return {
        view: { ...received(view, message.at), liveTimeline: { ...view.liveTimeline, [clusterId]: kept } },
        commands: [],
      };
    }
    case 'hawk-error':
      return { view: { ...received(view, message.at), lastError: message.message }, commands: [] };
    case 'connected':
      return {
        view: {
          ...view,
          connection: { ...view.connection, state: 'live', since: message.at, error: null },
          lastError: null,
        },
        commands: [],
      };
    case 'connect-failed': {
      // A failed retry while already disconnected keeps the original "since": that is when the data stopped.
      const since = view.connection.state === 'disconnected' ? view.connection.since : message.at;
      return {
        view: { ...view, connection: { ...view.connection, state: 'disconnected', since, error: message.error } },
        commands: [],
      };
    }
    case 'disconnected':
      return {
        view: { ...view, connection: { ...view.connection, state: 'disconnected', since: message.at } },
        commands: [],
      };
  }
}
