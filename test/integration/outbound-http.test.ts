import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboundHttp, OutboundRefusedError, OutboundTimeoutError } from '../../src/adapters/outbound-http.ts';

/*
 * The outbound client against servers on 127.0.0.1 only (allowLocal), and against injected resolvers for names.
 */

const servers: Server[] = [];

async function serve(handler: RequestListener): Promise<{ url: string; port: number; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, hits: () => hits };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const local = (options: ConstructorParameters<typeof OutboundHttp>[0] = {}) =>
  new OutboundHttp({ allowLocal: true, ...options });

describe('OutboundHttp', () => {
  it('POSTs the body with its headers and returns the status and the answer', async () => {
    let seen: { method?: string; body: string; type?: string; length?: string } = { body: '' };
    const server = await serve((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen = { method: req.method, body, type: req.headers['content-type'], length: req.headers['content-length'] };
        res.writeHead(202).end('ok');
      });
    });
    const answer = await local().post(`${server.url}/hook?x=1`, '{"a":"é"}', { 'content-type': 'application/json' });
    expect(answer.status).toBe(202);
    expect(answer.body.toString()).toBe('ok');
    expect(answer.truncated).toBe(false);
    expect(seen).toEqual({
      method: 'POST',
      body: '{"a":"é"}',
      type: 'application/json',
      length: String(Buffer.byteLength('{"a":"é"}')),
    });
  });

  it('follows no redirect: a 307 is the answer, and the place it points at is never asked', async () => {
    const inside = await serve((_req, res) => res.writeHead(200).end('internal secrets'));
    const outside = await serve((_req, res) =>
      res.writeHead(307, { location: `${inside.url}/latest/meta-data/` }).end(),
    );
    const answer = await local().post(`${outside.url}/hub`, 'x', {});
    expect(answer.status).toBe(307);
    expect(outside.hits()).toBe(1);
    expect(inside.hits()).toBe(0);
  });

  it('keeps at most maxBodyBytes of an endless answer and hangs up', async () => {
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const total = 100 * 1024 * 1024;
    let stopped!: () => void;
    const hungUp = new Promise<void>((resolve) => (stopped = resolve));
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(total) });
      res.on('close', () => stopped());
      const pump = () => {
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const answer = await local({ maxBodyBytes: 4096 }).post(server.url, 'x', {});
    expect(answer.status).toBe(200);
    expect(answer.truncated).toBe(true);
    expect(answer.body.length).toBe(4096);
    await hungUp;
    // The server stopped long before 100 MB: the client closed the connection (kernel buffers aside).
    expect(sent).toBeLessThan(total);
  }, 30_000);

  it('gives up on a silent server at the deadline', async () => {
    const server = await serve(() => {});
    const error = await local({ timeoutMs: 200 })
      .post(server.url, 'x', {})
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OutboundTimeoutError);
    expect(server.hits()).toBe(1);
  }, 10_000);

  it('gives up on a server that answers the headers and then never finishes', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('a bit');
    });
    const error = await local({ timeoutMs: 200 })
      .post(server.url, 'x', {})
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OutboundTimeoutError);
  }, 10_000);

  it('gives up when the caller’s signal aborts', async () => {
    const server = await serve(() => {});
    const error = await local({ timeoutMs: 60_000 })
      .post(server.url, 'x', {}, { signal: AbortSignal.timeout(100) })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(OutboundTimeoutError);
  }, 10_000);

  it('wants https without allowLocal: plain http and loopback are refused before connecting', async () => {
    const server = await serve((_req, res) => res.writeHead(204).end());
    for (const url of [
      server.url,
      `https://127.0.0.1:${server.port}/`,
      `https://[::1]:${server.port}/`,
      `https://127.1:${server.port}/`,
      `https://2130706433:${server.port}/`,
    ]) {
      await expect(new OutboundHttp().post(url, 'x', {}), url).rejects.toBeInstanceOf(OutboundRefusedError);
    }
    await expect(local().post('http://hooks.example/', 'x', {})).rejects.toThrow(/https:\/\//);
    expect(server.hits()).toBe(0);
  });

  it('refuses a name when any address it resolves to is not public, without connecting', async () => {
    const server = await serve((_req, res) => res.writeHead(204).end());
    const asked: string[] = [];
    for (const addresses of [
      ['10.0.0.5'],
      ['93.184.216.34', '169.254.169.254'],
      ['fd00:ec2::254'],
      ['::ffff:127.0.0.1'],
      ['127.0.0.1'],
    ]) {
      const client = new OutboundHttp({
        resolve: async (name) => {
          asked.push(name);
          return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
        },
      });
      const error = await client.post(`https://hooks.example:${server.port}/in`, 'x', {}).catch((err: unknown) => err);
      expect(error, addresses.join()).toBeInstanceOf(OutboundRefusedError);
      expect((error as Error).message).toContain(addresses.at(-1));
    }
    expect(asked.every((name) => name === 'hooks.example')).toBe(true);
    expect(server.hits()).toBe(0);
  });

  it('connects to the address it checked, keeping the name as the Host', async () => {
    let host: string | undefined;
    const server = await serve((req, res) => {
      host = req.headers.host;
      res.writeHead(204).end();
    });
    const asked: string[] = [];
    const client = local({
      resolve: async (name) => {
        asked.push(name);
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    // The server listens on 127.0.0.1 only (localhost could be ::1 to the system): the one lookup made is the one used.
    const answer = await client.post(`http://localhost:${server.port}/in`, 'x', {});
    expect(answer.status).toBe(204);
    expect(host).toBe(`localhost:${server.port}`);
    expect(asked).toEqual(['localhost']);
  });
});
