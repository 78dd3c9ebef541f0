/** hostPort renders host:port, an IPv6 address in brackets ("[fd00::1]:6443") as URLs and CONNECT need it. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
