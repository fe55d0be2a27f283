/** One SDK client per region, created on first use and reused across invocations of a warm Lambda. */
export class RegionalClients<C> {
  private readonly clients = new Map<string, C>();

  constructor(private readonly create: (region: string) => C) {}

  /** The client for `region`. */
  get(region: string): C {
    let client = this.clients.get(region);
    if (!client) {
      client = this.create(region);
      this.clients.set(region, client);
    }
    return client;
  }
}

/**
 * SDK retry settings for the handlers: adaptive mode backs off client-side when a region throttles, and more
 * attempts than the default 3 because the probes run unattended and a missed datapoint becomes an alarm.
 */
export const SDK_RETRY = { maxAttempts: 6, retryMode: 'adaptive' } as const;
