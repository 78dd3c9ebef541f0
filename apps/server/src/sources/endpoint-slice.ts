import { field, isRaw, list, nameOf, text, type Mapped } from './raw';

/** The `default/kubernetes` Service's slices: one endpoint per apiserver that registered itself. */
export const KUBERNETES_ENDPOINT_SLICES = {
  path: '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices',
  labelSelector: 'kubernetes.io/service-name=kubernetes',
} as const;

export interface ApiEndpoint {
  readonly address: string;
  readonly port: number;
  /** conditions.ready; an absent condition means ready, as the API documents. */
  readonly ready: boolean;
  readonly nodeName: string | null;
}

export interface EndpointSliceObservation {
  readonly name: string;
  readonly endpoints: readonly ApiEndpoint[];
}

/** The https port of the slice: the one named "https", else the first TCP port. */
function slicePort(raw: unknown): number | null {
  const ports = list(field(raw, 'ports')).filter(isRaw);
  const chosen =
    ports.find((port) => port.name === 'https') ?? ports.find((port) => (port.protocol ?? 'TCP') === 'TCP');
  const port = chosen?.port;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}

export function mapEndpointSlice(raw: unknown): Mapped<EndpointSliceObservation> {
  const name = nameOf(raw);
  if (name === null) return { error: 'endpointslice has no metadata.name' };
  const port = slicePort(raw);
  if (port === null) return { key: name, value: { name, endpoints: [] } };
  const endpoints = list(field(raw, 'endpoints')).flatMap((endpoint): ApiEndpoint[] => {
    const ready = field(endpoint, 'conditions', 'ready');
    const nodeName = text(field(endpoint, 'nodeName'));
    return list(field(endpoint, 'addresses'))
      .map(text)
      .filter((address): address is string => address !== null)
      .map((address) => ({ address, port, ready: ready !== false, nodeName }));
  });
  return { key: name, value: { name, endpoints } };
}
