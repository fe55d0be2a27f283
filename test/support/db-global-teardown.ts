import * as fs from 'node:fs';

interface Running {
  root: string;
  stop: () => Promise<void>;
}

export default async function globalTeardown(): Promise<void> {
  const running = (globalThis as { __lifeboatDatabases?: Running[] }).__lifeboatDatabases ?? [];
  for (const server of running) {
    await server.stop();
    fs.rmSync(server.root, { recursive: true, force: true });
  }
}
