import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface RunningPostgres {
  /** postgres:// URL of the server's own `postgres` database (trust auth, user postgres). */
  readonly url: string;
  /** A new, empty database on this server; its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** Debian's server binaries: `pg_config --bindir`, else the newest /usr/lib/postgresql/<version>/bin. */
async function serverBinaries(): Promise<string> {
  const candidates: string[] = [];
  const fromConfig = await run('pg_config', ['--bindir']).then(
    ({ stdout }) => stdout.trim(),
    () => undefined,
  );
  if (fromConfig) candidates.push(fromConfig);
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => `/usr/lib/postgresql/${version}/bin`));
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found)
    throw new Error(
      "PostgreSQL's initdb and pg_ctl were not found (pg_config --bindir, /usr/lib/postgresql/*/bin): install " +
        "Debian's postgresql (scripts/setup.sh does)",
    );
  return found;
}

/**
 * A throwaway PostgreSQL server (Debian's) in a fresh temporary directory, listening on 127.0.0.1
 * only, trust auth, fsync and synchronous_commit on as in production. initdb refuses to run as root,
 * so as root the server runs as the `postgres` system user.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const bin = await serverBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'hawk-postgres-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]).catch(() => {
      throw new Error(
        "no `postgres` system user to run the server as: install Debian's postgresql (scripts/setup.sh does)",
      );
    });
    chownSync(dir, Number(uid.stdout), Number(gid.stdout));
  }
  const asServerUser = (command: string, args: readonly string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]) : run(join(bin, command), args);

  // --no-sync only skips syncing initdb's own files; the server itself runs with fsync on.
  await asServerUser('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  // postgres cannot be given port 0: try random ports until one binds (the server itself reports a clash).
  let port = 0;
  for (let attempt = 1; ; attempt += 1) {
    port = 20_000 + Math.floor(Math.random() * 40_000);
    const settings = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=on -c synchronous_commit=on`;
    try {
      await asServerUser('pg_ctl', [
        '-D',
        data,
        '-l',
        join(dir, 'server.log'),
        '-w',
        '-t',
        '30',
        '-o',
        settings,
        'start',
      ]);
      break;
    } catch (error) {
      const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
      if (attempt < 5 && /could not bind|already in use/i.test(log)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`);
    }
  }

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    url,
    async createDatabase() {
      databases += 1;
      const name = `hawk_${databases}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await asServerUser('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
