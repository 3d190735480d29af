// A static server for the fixture pages, on 127.0.0.1 and a free port, for the browser tests.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface FixtureServer {
  url: (path: string) => string;
  close: () => Promise<void>;
}

export async function serveFixtures(): Promise<FixtureServer> {
  const root = import.meta.dirname;
  const server: Server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, {
        'content-type': path.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/octet-stream',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}/${path.replace(/^\//, '')}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
