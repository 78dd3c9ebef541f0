/**
 * Per-client budgets for what is costly to serve: socket.io handshakes, open sockets, and snapshots (each a whole
 * cluster state). A client is an address (security/client-address.ts), so one browser's flood spends its own
 * budget, not everyone's.
 */

/** A token bucket per key: `capacity` at once, refilled at `perSecond`. Full buckets are forgotten. */
export class KeyedBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Spends one token of `key`'s budget; false when it has none left. */
  take(key: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return false;
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.forgetFull(now);
    return true;
  }

  /** Bounds the map under many distinct clients: a bucket refilled to capacity holds nothing worth keeping. */
  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets)
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond >= this.capacity) this.buckets.delete(key);
  }
}

/** Counts what each key holds open (sockets per client). */
export class KeyedCount {
  private readonly counts = new Map<string, number>();

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  add(key: string): void {
    this.counts.set(key, this.get(key) + 1);
  }
  remove(key: string): void {
    const left = this.get(key) - 1;
    if (left > 0) this.counts.set(key, left);
    else this.counts.delete(key);
  }
}
