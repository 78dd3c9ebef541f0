import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientToServerEvents, ServerToClientEvents } from '@hawk/core';
import type { FastifyInstance } from 'fastify';
import { io, type Socket } from 'socket.io-client';
import { createApp, type AppOptions } from '@hawk/server/app';
import { loadEnv } from '@hawk/server/env';

export type HawkClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface RunningHawk {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly dir: string;
  close(): Promise<void>;
}

/** Starts a real, listening hawk on a free loopback port with its own history file. */
export async function startHawkServer(
  hub: AppOptions['hub'],
  env: Record<string, string> = {},
  extra: Partial<AppOptions> = {},
): Promise<RunningHawk> {
  const dir = mkdtempSync(join(tmpdir(), 'hawk-test-'));
  const app = await createApp({
    env: loadEnv({ HAWK_DB: join(dir, 'history.db'), HAWK_LOG_LEVEL: 'silent', PORT: '0', ...env }),
    hub,
    ...extra,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url,
    dir,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A real socket.io client, connected (or refused) before it is returned. */
export async function connectClient(url: string, auth: Record<string, string> = {}): Promise<HawkClient> {
  const socket: HawkClient = io(url, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

/** Resolves with the next `event` whose payload satisfies `match`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: HawkClient,
  event: E,
  match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}

/** Records every event a socket receives, in order. */
export function recordEvents(socket: HawkClient): { event: string; payload: unknown }[] {
  const seen: { event: string; payload: unknown }[] = [];
  socket.onAny((event: string, payload: unknown) => seen.push({ event, payload }));
  return seen;
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
