/** What the in-process benches share with the client processes they spawn. */
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export const clock = () => performance.timeOrigin + performance.now();

/** The next IPC message from `child` that `match` accepts (tsx's own messages share the channel). */
export const nextMessage = (child: ChildProcess, match: (message: unknown) => boolean) =>
  new Promise<unknown>((resolve) => {
    const listener = (message: unknown) => {
      if (!match(message)) return;
      child.off('message', listener);
      resolve(message);
    };
    child.on('message', listener);
  });
