import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { loadRuntimeConfig, readRuntimeConfig } from '../../src/app/runtime-config.ts';
import { FUNCTION_ENV } from '../helpers/function-env.ts';

const ENV = FUNCTION_ENV;
const SECRET = 'k'.repeat(48);

describe('runtime configuration', () => {
  it('reads every variable once, with defaults for the tunables', () => {
    const config = readRuntimeConfig({
      ...ENV,
      TOKEN_SECRET: SECRET,
      SEND_RATE_PER_SECOND: '50',
      WORKER_CONCURRENCY: '5',
    });
    expect(config).toMatchObject({
      editorialsBucket: 'editorials',
      sendRatePerSecond: 50,
      workerConcurrency: 5,
      shardSize: 500,
      tokenSecret: SECRET,
    });
    expect(config.publication.publication.name).toBe('Monexus');
  });

  it('gives a function that holds no token key (NO_TOKEN_KEYS) none, and the subscriber flows refuse to run on it', async () => {
    const config = readRuntimeConfig({ ...ENV, NO_TOKEN_KEYS: 'true' });
    expect(config.tokenSecret).toBe('');
    expect(config.tokenKeys).toBeUndefined();
    const { subscriberWiring } = await import('../../src/app/subscriber-wiring.ts');
    expect(() => subscriberWiring(config, 'publish')).toThrow(/holds no token key/);
  });

  it('fails fast naming every missing or malformed variable', () => {
    let error: unknown;
    try {
      readRuntimeConfig({ PUBLIC_BUCKET: 'site', SEND_RATE_PER_SECOND: 'fast', TOKEN_SECRET: 'short' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['EDITORIALS_BUCKET', 'SUBSCRIBERS_TABLE', 'LEDGER_TABLE', 'DISPATCH_QUEUE_URL'])
      expect(message).toContain(`${name} is not set`);
    expect(message).toContain('SEND_RATE_PER_SECOND must be a positive number, not "fast"');
    expect(message).toContain('TOKEN_SECRET must be at least 32 characters');
  });

  it('reads the token secret through the secrets extension when only its ARN is given', async () => {
    const requests: IncomingMessage[] = [];
    const server = createServer((req, res) => {
      requests.push(req);
      const ok = req.headers['x-aws-parameters-secrets-token'] === 'session-token';
      res
        .writeHead(ok ? 200 : 403, { 'content-type': 'application/json' })
        .end(JSON.stringify({ SecretString: SECRET }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = String((server.address() as AddressInfo).port);
    try {
      const env = {
        ...ENV,
        TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:token',
        PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: port,
      };
      const config = await loadRuntimeConfig({ ...env, AWS_SESSION_TOKEN: 'session-token' });
      expect(config.tokenSecret).toBe(SECRET);
      expect(requests[0]!.url).toBe(`/secretsmanager/get?secretId=${encodeURIComponent(env.TOKEN_SECRET_ARN)}`);
      await expect(loadRuntimeConfig({ ...env, AWS_SESSION_TOKEN: 'wrong' })).rejects.toThrow(/answered 403/);
    } finally {
      server.close();
    }
  });
});

describe('token keys from Secrets Manager', () => {
  it('reads the signing key set and the subscriber-id key by their ARNs, once, at start', async () => {
    const keySet = {
      current: '2026-12',
      keys: { '0': SECRET, '2026-12': 'n'.repeat(48) },
      retiring: { '0': '2027-01-31T00:00:00Z' },
    };
    const secrets: Record<string, string> = { 'arn:keys': JSON.stringify(keySet), 'arn:id': SECRET };
    const asked: string[] = [];
    const config = await loadRuntimeConfig(
      { ...ENV, TOKEN_KEYS_ARN: 'arn:keys', SUBSCRIBER_ID_KEY_ARN: 'arn:id' },
      async (arn) => {
        asked.push(arn);
        return secrets[arn]!;
      },
    );
    expect(asked.sort()).toEqual(['arn:id', 'arn:keys']);
    expect(config.tokenKeys).toEqual({
      idKey: SECRET,
      current: '2026-12',
      signing: keySet.keys,
      retiring: { '0': new Date('2027-01-31T00:00:00Z') },
    });
    expect(config.tokenSecret).toBe(SECRET);
  });
});

describe('BROADSHEET_CONFIG', () => {
  it('overlays the publication configuration on the defaults field by field', () => {
    const config = readRuntimeConfig({
      ...ENV,
      TOKEN_SECRET: SECRET,
      BROADSHEET_CONFIG: JSON.stringify({ publication: { name: 'Harbour Letter' } }),
    });
    expect(config.publication.publication.name).toBe('Harbour Letter');
    expect(config.publication.publication.siteUrl).toBe('https://monexus.example');
  });

  it('is taken as the stack wrote it when a function starts (checked at synth), and refused when not a JSON object', async () => {
    const sample = loadConfig();
    const written = { ...sample, publication: { ...sample.publication, name: 'Harbour Letter' } };
    const config = await loadRuntimeConfig({
      ...ENV,
      TOKEN_SECRET: SECRET,
      BROADSHEET_CONFIG: JSON.stringify(written),
    });
    expect(config.publication).toEqual(written);
    expect((await loadRuntimeConfig({ ...ENV, TOKEN_SECRET: SECRET })).publication).toEqual(sample);
    for (const wrong of ['[]', '{"publication":']) {
      await expect(loadRuntimeConfig({ ...ENV, TOKEN_SECRET: SECRET, BROADSHEET_CONFIG: wrong })).rejects.toThrow(
        /BROADSHEET_CONFIG must be (a JSON object|JSON)/,
      );
    }
  });
});
