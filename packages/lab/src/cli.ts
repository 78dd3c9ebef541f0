import { parseArgs } from 'node:util';
import { ensureLab, labDown, openLab } from './lifecycle';
import type { Lab } from './lab';
import {
  ELECTOR_TIMINGS,
  type ElectorTimingsName,
  type LabOptionsInput,
  type LabProfile,
  mustResolveLabOptions,
} from './options';
import { readiness } from './readiness';
import { formatStatus, labStatus } from './status';
import { hawkImages } from './hawk-images';
import { hawkInstall } from './hawk-install';
import { ensureWorkers } from './workers/start';
import type { ComponentKind, LeaderElectedKind } from './topology';

const USAGE = `usage: pnpm lab <command>
  up [--profile kubeadm|kubeadm-bind-all|hand-made] [--nodes N] [--etcd-members N] [--external-etcd] [--cle]
     [--single-zone]
     [--elector kube|openshift|operators] [--lease-duration S --renew-deadline S --retry-period S]
     [--workers N]          N worker nodes (kubelet, containerd, kube-proxy) that run real pods; kubeadm profile only;
                            without it a running lab keeps its workers, --workers 0 removes them
  down                      remove every process, namespace, link and file of the lab
  status [--json]           processes, apiserver readiness, lease holders, etcd members and leader
  env                       shell exports: eval "$(pnpm -s lab env)"
  fault kill|freeze|thaw|stop|start|restart <component> <index>
  fault kill-leader|freeze-leader controller-manager|scheduler
  fault stop-etcd-leader | restart-etcd-leader
  fault stop-lb | start-lb
  fault cut <node> | restore <node>          node: cp-2 or 2
  fault throttle-etcd <index> <cpu ms per s> | unthrottle    CPU quota on one etcd member (cgroup)
  fault shorten-cert apiserver|etcd <index> <hours>   kubeadm re-issues its serving certificate for <hours>, restarts it
  fault heal                restore the full healthy topology
  fault log                 the fault log (JSON lines)
  hawk-install [--set k=v …] [-f values.yaml …] [--release R] [--namespace NS] [--from-head]
                            builds hawk's images, loads them into the workers and helm-installs deploy/helm/hawk
                            (needs pnpm lab up --profile kubeadm --workers N); prints the URL and the token's file;
                            images from the working tree, or with --from-head from the last commit
  images                    builds hawk's images from the last commit, as the lab's tests use them (pnpm test runs
                            it beside the lab's first files, so the image tests and helm-lab find them built)
components: apiserver, controller-manager, scheduler, etcd, lb`;

const KIND_ALIASES: Record<string, ComponentKind> = {
  apiserver: 'kube-apiserver',
  'kube-apiserver': 'kube-apiserver',
  'controller-manager': 'kube-controller-manager',
  kcm: 'kube-controller-manager',
  'kube-controller-manager': 'kube-controller-manager',
  scheduler: 'kube-scheduler',
  'kube-scheduler': 'kube-scheduler',
  etcd: 'etcd',
  lb: 'haproxy',
  haproxy: 'haproxy',
};

function kindOf(name: string | undefined): ComponentKind {
  const kind = name ? KIND_ALIASES[name] : undefined;
  if (!kind) throw new Error(`unknown component ${name ?? '(none)'}; one of ${Object.keys(KIND_ALIASES).join(', ')}`);
  return kind;
}

function leaderKindOf(name: string | undefined): LeaderElectedKind {
  const kind = kindOf(name);
  if (kind !== 'kube-controller-manager' && kind !== 'kube-scheduler')
    throw new Error(`${kind} does not elect a leader through a Lease`);
  return kind;
}

function indexOf(value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`expected an instance number (1, 2, …), got ${value ?? '(none)'}`);
  }
  return n;
}

function nodeOf(value: string | undefined): string | number {
  if (!value) throw new Error('expected a node: cp-2 or 2');
  return /^\d+$/.test(value) ? Number(value) : value;
}

async function requireLab(): Promise<Lab> {
  const lab = await openLab();
  if (!lab) throw new Error('no lab is running: pnpm lab up');
  return lab;
}

function upOptions(args: string[]): LabOptionsInput {
  const { values } = parseArgs({
    args,
    options: {
      profile: { type: 'string' },
      nodes: { type: 'string' },
      'etcd-members': { type: 'string' },
      'external-etcd': { type: 'boolean' },
      cle: { type: 'boolean' },
      'single-zone': { type: 'boolean' },
      elector: { type: 'string' },
      'lease-duration': { type: 'string' },
      'renew-deadline': { type: 'string' },
      'retry-period': { type: 'string' },
      // Read by workersOf: workers are not a lab option (a lab with and without workers is the same lab).
      workers: { type: 'string' },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const elector = values.elector;
  if (elector !== undefined && !Object.hasOwn(ELECTOR_TIMINGS, elector)) {
    throw new Error(`--elector ${elector}: expected one of ${Object.keys(ELECTOR_TIMINGS).join(', ')}`);
  }
  const leaderElection = {
    ...(elector ? ELECTOR_TIMINGS[elector as ElectorTimingsName] : {}),
    ...(values['lease-duration'] ? { leaseDurationSeconds: num(values['lease-duration']) } : {}),
    ...(values['renew-deadline'] ? { renewDeadlineSeconds: num(values['renew-deadline']) } : {}),
    ...(values['retry-period'] ? { retryPeriodSeconds: num(values['retry-period']) } : {}),
  };
  return {
    // Validated with the other options by resolveLabOptions.
    ...(values.profile ? { profile: values.profile as LabProfile } : {}),
    ...(values.nodes ? { nodes: num(values.nodes) } : {}),
    ...(values['etcd-members'] ? { etcdMembers: num(values['etcd-members']) } : {}),
    ...(values['external-etcd'] ? { etcdTopology: 'external' as const } : {}),
    ...(values.cle ? { coordinatedLeaderElection: true } : {}),
    ...(values['single-zone'] ? { zones: 'single' as const } : {}),
    leaderElection,
  };
}

function workersOf(args: string[]): number | undefined {
  const at = args.indexOf('--workers');
  if (at < 0) return undefined;
  const n = Number(args[at + 1]);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--workers expects a count (0, 1, 2, …), got ${args[at + 1] ?? '(none)'}`);
  return n;
}

async function fault(args: string[]): Promise<void> {
  const [action, a, b] = args;
  const lab = await requireLab();
  const f = lab.fault;
  const record = await (async () => {
    switch (action) {
      case 'kill':
        return f.kill(kindOf(a), indexOf(b));
      case 'freeze':
        return f.freeze(kindOf(a), indexOf(b));
      case 'thaw':
        return f.thaw(kindOf(a), indexOf(b));
      case 'stop':
        return f.stop(kindOf(a), indexOf(b));
      case 'start':
        return f.start(kindOf(a), indexOf(b));
      case 'restart':
        return f.restart(kindOf(a), indexOf(b));
      case 'kill-leader':
        return f.killLeader(leaderKindOf(a));
      case 'freeze-leader':
        return f.freezeLeader(leaderKindOf(a));
      case 'stop-etcd-leader':
        return f.stopEtcdLeader();
      case 'restart-etcd-leader':
        return f.restartEtcdLeader();
      case 'stop-lb':
        return f.stopLoadBalancer();
      case 'start-lb':
        return f.startLoadBalancer();
      case 'cut':
        return f.cutNode(nodeOf(a));
      case 'restore':
        return f.restoreNode(nodeOf(a));
      case 'throttle-etcd': {
        const quotaMs = Number(b);
        if (!(quotaMs > 0)) throw new Error(`throttle-etcd: CPU ms per second must be positive, got ${b ?? '(none)'}`);
        return f.throttleEtcd(indexOf(a), quotaMs);
      }
      case 'unthrottle':
        return f.unthrottle();
      case 'shorten-cert': {
        const kind = kindOf(a);
        if (kind !== 'kube-apiserver' && kind !== 'etcd') throw new Error(`shorten-cert: apiserver or etcd, got ${a}`);
        return f.shortenCertificate(kind, indexOf(b), Number(args[3]));
      }
      case 'heal':
        return f.heal();
      case 'log': {
        for (const r of await lab.faultLog()) console.log(JSON.stringify(r));
        return undefined;
      }
      default:
        throw new Error(`unknown fault ${action ?? '(none)'}\n${USAGE}`);
    }
  })();
  if (record) console.log(JSON.stringify(record));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const progress = (line: string) => console.error(`lab: ${line}`);
  switch (command) {
    case 'up': {
      const started = Date.now();
      const workers = workersOf(rest);
      if (workers && mustResolveLabOptions(upOptions(rest)).profile === 'hand-made') {
        throw new Error(
          '--workers needs the kubeadm profile (the hand-made controller-manager has no service-account ' +
            'credentials): pnpm lab up --profile kubeadm --workers N',
        );
      }
      const lab = await ensureLab(upOptions(rest), { onProgress: progress });
      if (workers !== undefined) await ensureWorkers(lab, workers, progress);
      progress(
        `up in ${((Date.now() - started) / 1000).toFixed(1)}s; API ${lab.apiServerUrl}; eval "$(pnpm -s lab env)"`,
      );
      return;
    }
    case 'down': {
      const report = await labDown({ onProgress: progress });
      if (report.remaining.length > 0) throw new Error(`could not remove: ${report.remaining.join(', ')}`);
      return;
    }
    case 'status': {
      const lab = await requireLab();
      const status = await labStatus(lab);
      if (rest.includes('--json')) console.log(JSON.stringify(status, null, 2));
      else {
        console.log(formatStatus(lab, status));
        const r = await readiness(lab).catch((e: Error) => ({ ready: false, pending: [e.message] }));
        console.log(r.ready ? 'ready' : `not ready: ${r.pending.join('; ')}`);
      }
      return;
    }
    case 'env': {
      const lab = await requireLab();
      for (const [key, value] of Object.entries(lab.env())) console.log(`export ${key}=${JSON.stringify(value)}`);
      return;
    }
    case 'fault':
      return fault(rest);
    case 'images': {
      const started = Date.now();
      const { server, web } = await hawkImages('head', progress);
      progress(`${server.image} and ${web.image} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
      return;
    }
    case 'hawk-install': {
      const { values } = parseArgs({
        args: rest,
        options: {
          set: { type: 'string', multiple: true },
          values: { type: 'string', short: 'f', multiple: true },
          release: { type: 'string' },
          namespace: { type: 'string' },
          'from-head': { type: 'boolean' },
        },
      });
      const lab = await requireLab();
      const installed = await hawkInstall(lab, {
        set: values.set ?? [],
        valuesFiles: values.values ?? [],
        release: values.release,
        namespace: values.namespace,
        source: values['from-head'] ? 'head' : 'worktree',
        onProgress: progress,
      });
      console.log(`hawk: ${installed.urls.join('  or  ')}`);
      console.log(`token: cat ${installed.tokenFile}   (or: ${installed.tokenCommand})`);
      return;
    }
    default:
      console.log(USAGE);
      if (command && command !== 'help' && command !== '--help') process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`lab: ${error.message}`);
  process.exitCode = 1;
});
