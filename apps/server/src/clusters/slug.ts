/** slugClusterId turns a kubeconfig context name into a URL- and room-safe id ("kind-lab@prod" → "kind-lab-prod"). */
export function slugClusterId(context: string): string {
  const slug = context
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'cluster' : slug;
}

/** uniqueIds slugs every context, suffixing collisions ("a.b" and "a-b" both slug to "a-b"). */
export function uniqueIds(contexts: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return contexts.map((context) => {
    const base = slugClusterId(context);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}-${count + 1}`;
  });
}
