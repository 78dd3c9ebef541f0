import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  ErrorMessage,
  OverviewMessage,
  PatchMessage,
  ServerToClientEvents,
  Subscription,
  TimelineEvent,
} from '@hawk/core';
import type { Logger } from '../logger';
import type { Authenticator } from '../security/authenticator';
import type { ClientAddressing } from '../security/client-address';
import { KeyedBudget, KeyedCount } from './client-limits';
import type { RequestOriginPolicy } from '../security/request-origin';
import { ResyncFrame, SubscriptionFrame } from './client-frames';
import type { VersionedStates } from './versioned-states';
import { SERVER_DEFAULTS } from '../defaults';

export interface SocketServerOptions {
  readonly states: VersionedStates;
  /** Checks the handshake: `auth.token`, or the trusted proxy's header from a trusted peer. Open when absent. */
  readonly authenticator?: Authenticator;
  /** Which pages may connect: checked on every socket.io request, the WebSocket upgrade included. */
  readonly origins: RequestOriginPolicy;
  /** Subscriptions one socket may hold: bounds the rooms a client can make us fill. Unset limits: SERVER_DEFAULTS. */
  readonly maxSubscriptions?: number;
  /** Largest frame a client may send, in bytes: client frames are tiny. */
  readonly maxFrameBytes?: number;
  /** Who a handshake stands for (X-Forwarded-For from hawk's web only); default the TCP peer. */
  readonly clients?: ClientAddressing;
  /** Sockets one client may hold open at once (a few tabs and wall screens). */
  readonly maxSocketsPerClient?: number;
  /** New sessions one client may open per minute, beyond a burst of as many. */
  readonly handshakesPerMinute?: number;
  /** Snapshots (subscribe or resync: each a whole cluster state) one client may ask for per minute. */
  readonly snapshotsPerMinute?: number;
  readonly log: Pick<Logger, 'warn'> & Partial<Pick<Logger, 'debug'>>;
}

/** The push side of hawk: who is connected, and what goes to which room. */
export interface PushServer {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>;
  broadcastPatch(patch: PatchMessage): void;
  broadcastOverview(overview: OverviewMessage): void;
  broadcastTimeline(event: TimelineEvent): void;
  /** Sockets connected to this replica. */
  localClients(): number;
  close(): Promise<void>;
}

type HawkSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

const OVERVIEW_ROOM = 'overview';
const clusterRoom = (clusterId: string) => `cluster:${clusterId}`;
const CLIENT_EVENTS = new Set(['subscribe', 'unsubscribe', 'resync']);

const reject = (socket: HawkSocket, code: ErrorMessage['code'], message: string): void => {
  socket.emit('hawk-error', { code, message });
};
const subscriptionCount = (socket: HawkSocket) => socket.rooms.size - 1; // every socket is in its own room
const roomOf = (subscription: Subscription) =>
  'clusterId' in subscription ? clusterRoom(subscription.clusterId) : OVERVIEW_ROOM;

/** One engine.io session as its connection event hands it over: the request that opened it, and its end. */
interface EngineSession {
  request: IncomingMessage;
  once(event: 'close', f: () => void): void;
}

/** socket.io behind hawk's guards: origin and host, the token, and per-client limits on sockets and snapshots. */
class SocketPushServer implements PushServer {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>;
  private readonly maxSubscriptions: number;
  private readonly maxSocketsPerClient: number;
  private readonly handshakesPerMinute: number;
  private readonly snapshotsPerMinute: number;
  private readonly handshakes: KeyedBudget;
  private readonly snapshots: KeyedBudget;
  /** Sessions held per client, counted at the engine (one per browser tab, whatever its namespaces). */
  private readonly openSockets = new KeyedCount();
  /** Refusals are logged once per client and minute at most: a flood must not become a flood of log lines. */
  private readonly refusalLogged = new KeyedBudget(1, 1 / 60);

  constructor(
    httpServer: HttpServer,
    private readonly options: SocketServerOptions,
  ) {
    this.maxSubscriptions = options.maxSubscriptions ?? SERVER_DEFAULTS.socketMaxSubscriptions;
    this.maxSocketsPerClient = options.maxSocketsPerClient ?? SERVER_DEFAULTS.socketMaxPerClient;
    this.handshakesPerMinute = options.handshakesPerMinute ?? SERVER_DEFAULTS.socketHandshakesPerMinute;
    this.snapshotsPerMinute = options.snapshotsPerMinute ?? SERVER_DEFAULTS.socketSnapshotsPerMinute;
    this.handshakes = new KeyedBudget(this.handshakesPerMinute, this.handshakesPerMinute / 60);
    this.snapshots = new KeyedBudget(this.snapshotsPerMinute, this.snapshotsPerMinute / 60);
    this.io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
      cors: { origin: [...options.origins.webOrigins], credentials: false },
      // cors does not apply to WebSocket upgrades: without this any page could read a token-less hawk.
      allowRequest: (request, callback) => this.allowRequest(request, callback),
      maxHttpBufferSize: options.maxFrameBytes ?? SERVER_DEFAULTS.socketMaxFrameBytes,
      pingInterval: SERVER_DEFAULTS.socketPingIntervalMs,
      pingTimeout: SERVER_DEFAULTS.socketPingTimeoutMs,
      // The middleware still runs on a recovered session, so a revoked token cannot resume it.
      connectionStateRecovery: {
        maxDisconnectionDuration: SERVER_DEFAULTS.socketRecoveryMs,
        skipMiddlewares: false,
      },
    });
    this.io.use((socket, next) => this.authenticate(socket, next));
    this.io.engine.on('connection', (session: EngineSession) => this.countSession(session));
    this.io.on('connection', (socket) => this.listen(socket));
  }

  broadcastPatch(patch: PatchMessage): void {
    this.io.to(clusterRoom(patch.clusterId)).emit('patch', patch);
  }

  broadcastOverview(overview: OverviewMessage): void {
    this.io.to(OVERVIEW_ROOM).emit('overview', overview);
  }

  broadcastTimeline(event: TimelineEvent): void {
    this.io.to(clusterRoom(event.clusterId)).emit('timeline', event);
  }

  /** A property, not a method: it is handed on unbound (the metrics read it). */
  readonly localClients = (): number => this.io.of('/').sockets.size;

  async close(): Promise<void> {
    // Not io.close(): that also closes the http server, which Fastify owns and closes itself.
    this.io.local.disconnectSockets(true);
    this.io.engine.close();
  }

  private clientOf(request: IncomingMessage): string {
    const peer = request.socket.remoteAddress;
    return this.options.clients?.clientOf(peer, request.headers) ?? peer ?? '';
  }

  private refuse(client: string, reason: string): void {
    if (this.refusalLogged.take(`${client} ${reason}`)) this.options.log.warn({ client, reason }, 'socket refused');
  }

  private allowRequest(request: IncomingMessage, callback: (err: string | null, success: boolean) => void): void {
    const { origins, log } = this.options;
    if (!origins.hostAllowed(request.headers.host) || !origins.originAllowed(request.headers)) {
      log.warn(
        { origin: request.headers.origin ?? null, host: request.headers.host ?? null },
        'socket refused: foreign origin or host',
      );
      return callback('origin not allowed', false);
    }
    // Only a new session (no sid) costs a handshake; a session's own polls and its upgrade do not.
    if (new URL(request.url ?? '/', 'http://hawk').searchParams.has('sid')) return callback(null, true);
    const client = this.clientOf(request);
    if (this.openSockets.get(client) >= this.maxSocketsPerClient) {
      this.refuse(client, `more than ${this.maxSocketsPerClient} open sockets`);
      return callback('too many sockets from this client', false);
    }
    if (!this.handshakes.take(client)) {
      this.refuse(client, `more than ${this.handshakesPerMinute} handshakes a minute`);
      return callback('too many handshakes from this client', false);
    }
    callback(null, true);
  }

  private authenticate(socket: HawkSocket, next: (err?: Error) => void): void {
    const { authenticator, log } = this.options;
    if (!authenticator?.required) return next();
    const presented: unknown = socket.handshake.auth?.token;
    // The TCP peer of the handshake request, never a forwarded-for header.
    const principal = authenticator.authenticate({
      peer: socket.request.socket.remoteAddress,
      headers: socket.handshake.headers,
      token: typeof presented === 'string' ? presented : null,
    });
    if (!principal) return next(new Error('unauthorized'));
    if (principal.user !== null)
      log.debug?.({ user: principal.user, via: principal.via, socket: socket.id }, 'socket authenticated');
    next();
  }

  private countSession(session: EngineSession): void {
    const client = this.clientOf(session.request);
    this.openSockets.add(client);
    session.once('close', () => this.openSockets.remove(client));
  }

  private listen(socket: HawkSocket): void {
    // Handlers are guarded: whatever a client sends, it gets an error event and the server carries on.
    const guard = (handler: (frame: unknown) => void) => (frame: unknown) => {
      try {
        handler(frame);
      } catch (error) {
        this.options.log.warn({ err: error, socket: socket.id }, 'socket handler failed');
        reject(socket, 'bad-request', 'request could not be handled');
      }
    };
    socket.on(
      'subscribe',
      guard((frame) => this.withinSnapshotBudget(socket) && this.subscribe(socket, frame)),
    );
    socket.on(
      'unsubscribe',
      guard((frame) => this.unsubscribe(socket, frame)),
    );
    socket.on(
      'resync',
      guard((frame) => this.withinSnapshotBudget(socket) && this.resync(socket, frame)),
    );
    socket.onAny((event: unknown) => {
      if (typeof event !== 'string' || !CLIENT_EVENTS.has(event))
        reject(socket, 'bad-request', `unknown event ${JSON.stringify(String(event).slice(0, 64))}`);
    });
  }

  private sendSnapshot(socket: HawkSocket, clusterId: string): void {
    const snapshot = this.options.states.snapshot(clusterId);
    if (!snapshot) reject(socket, 'unknown-cluster', `no cluster with id ${JSON.stringify(clusterId.slice(0, 64))}`);
    else socket.emit('snapshot', snapshot);
  }

  private subscribe(socket: HawkSocket, frame: unknown): void {
    if (!SubscriptionFrame.Check(frame))
      return reject(socket, 'bad-request', 'subscribe expects {clusterId: string} or {overview: true}');
    const subscription = frame as Subscription;
    const room = roomOf(subscription);
    if (!socket.rooms.has(room) && subscriptionCount(socket) >= this.maxSubscriptions) {
      return reject(socket, 'too-many-subscriptions', `at most ${this.maxSubscriptions} subscriptions per connection`);
    }
    if ('clusterId' in subscription) {
      // Join before the snapshot: a patch racing it then shows up as a version the client can order.
      if (!this.options.states.snapshot(subscription.clusterId))
        return this.sendSnapshot(socket, subscription.clusterId);
      void socket.join(room);
      this.sendSnapshot(socket, subscription.clusterId);
    } else {
      void socket.join(room);
      socket.emit('overview', this.options.states.overview());
    }
  }

  private unsubscribe(socket: HawkSocket, frame: unknown): void {
    if (!SubscriptionFrame.Check(frame))
      return reject(socket, 'bad-request', 'unsubscribe expects {clusterId: string} or {overview: true}');
    void socket.leave(roomOf(frame as Subscription));
  }

  private resync(socket: HawkSocket, frame: unknown): void {
    if (!ResyncFrame.Check(frame)) return reject(socket, 'bad-request', 'resync expects {clusterId: string}');
    this.sendSnapshot(socket, frame.clusterId);
  }

  /** A snapshot is a whole cluster state: within the client's budget, or refused with a reason it can show. */
  private withinSnapshotBudget(socket: HawkSocket): boolean {
    const client = this.clientOf(socket.request);
    if (this.snapshots.take(client)) return true;
    this.refuse(client, `more than ${this.snapshotsPerMinute} snapshots a minute`);
    const limit = this.snapshotsPerMinute;
    reject(socket, 'bad-request', `too many subscribe/resync requests: at most ${limit} a minute`);
    return false;
  }
}

/** Attaches socket.io to Fastify's http server (fastify-socket.io does not support Fastify 5). */
export function createPushServer(httpServer: HttpServer, options: SocketServerOptions): PushServer {
  return new SocketPushServer(httpServer, options);
}
