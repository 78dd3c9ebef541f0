import type { ApiServerFrontDoor, ApiServerInstance, ClusterState, Freshness } from '@hawk/core';
import { instanceLabel, latencyText, probeOk } from '../lib/selectors';
import { healthDisplay } from '../lib/verdict-display';
import { FreshnessLabel } from './freshness-label';
import { StatusTag } from './status-icon';

function Probes({ health }: { health: ApiServerInstance['health'] }) {
  const failed = [...new Set([...(health.readyz?.failedChecks ?? []), ...(health.livez?.failedChecks ?? [])])];
  const error = health.readyz?.error ?? health.livez?.error ?? null;
  return (
    <>
      <div className="probe-row">
        <StatusTag display={healthDisplay(probeOk(health, 'readyz'), ['ready', 'not ready', 'ready?'])} />
        <StatusTag display={healthDisplay(probeOk(health, 'livez'), ['live', 'not live', 'live?'])} />
        <span className="latency" title="probe latency">
          {latencyText(health)}
        </span>
      </div>
      {failed.length > 0 && <p className="failed-checks">failing: {failed.join(', ')}</p>}
      {error && failed.length === 0 && <p className="failed-checks">{error}</p>}
    </>
  );
}

function FrontDoor({ frontDoor }: { frontDoor: ApiServerFrontDoor }) {
  const title =
    frontDoor.kind === 'load-balancer'
      ? 'Load balancer'
      : frontDoor.kind === 'instance'
        ? 'No load balancer: kubeconfig points at one instance'
        : 'Front door';
  return (
    <div className={`front-door front-door-${frontDoor.kind}`} data-testid="front-door">
      <div className="front-door-title">
        <strong>{title}</strong> <code>{frontDoor.url}</code>
      </div>
      <Probes health={frontDoor.health} />
    </div>
  );
}

/** Active-active: the front door above, every instance beside the others. */
export function ApiServersPanel({
  apiServers,
  freshness,
}: {
  apiServers: ClusterState['apiServers'];
  freshness?: Freshness | undefined;
}) {
  const { instances, frontDoor, serving } = apiServers;
  return (
    <section className="panel" aria-label="API servers">
      <header className="panel-head">
        <h2>API servers</h2>
        <span className="panel-figure" data-testid="apiservers-serving">
          {serving}/{instances.length} serving
        </span>
      </header>
      <FrontDoor frontDoor={frontDoor} />
      <div className="fan" aria-hidden="true" />
      <ul className="instances">
        {instances.length === 0 && <li className="muted">no instances found</li>}
        {instances.map((instance) => (
          <li
            key={instance.id}
            className={`instance ${probeOk(instance.health, 'readyz') === false ? 'instance-down' : ''}`}
            data-testid="apiserver"
          >
            <div className="instance-name">
              <strong>{instanceLabel(instance)}</strong>
              {instance.address && (
                <code>
                  {instance.address}
                  {instance.port ? `:${instance.port}` : ''}
                </code>
              )}
            </div>
            <Probes health={instance.health} />
            {!instance.inEndpointSlice && <p className="muted">not in the EndpointSlice</p>}
          </li>
        ))}
      </ul>
      <FreshnessLabel freshness={freshness} />
    </section>
  );
}
