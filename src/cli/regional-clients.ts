/** Attempts per AWS call in the operator commands (the SDK's retry strategy, throttling included). */
export const OPS_MAX_ATTEMPTS = 5;

/** One client per region, made on first use: a command talks to two regions and several services in each. */
export function perRegion<T>(make: (region: string) => T): (region: string) => T {
  const clients = new Map<string, T>();
  return (region) => {
    let client = clients.get(region);
    if (client === undefined) {
      client = make(region);
      clients.set(region, client);
    }
    return client;
  };
}
