import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInConfig, ConfigError, configFrom, loadConfig } from '../../src/config.ts';

function configFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'broadsheet-config-')), 'config.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('configuration', () => {
  it('describes the sample publication when there is no file', () => {
    const config = loadConfig();
    expect(config.publication.name).toBe('Monexus');
    expect(config.feeds.limit).toBe(50);
  });

  it('ships defaults that need nothing filled in, so a function may take them unchecked', () => {
    expect(builtInConfig()).toEqual(loadConfig());
  });

  it('reads back from the JSON the stack writes exactly as it was checked, so a function needs no second check', () => {
    const checked = loadConfig(configFile({ publication: { name: 'Harbour Letter' }, feeds: { limit: 10 } }));
    expect(JSON.parse(JSON.stringify(checked))).toStrictEqual(checked);
  });

  it('overlays a file on the defaults, field by field', () => {
    const config = loadConfig(configFile({ publication: { name: 'Harbour Letter' }, feeds: { limit: 10 } }));
    expect(config.publication.name).toBe('Harbour Letter');
    expect(config.publication.siteUrl).toBe('https://monexus.example');
    expect(config.feeds.limit).toBe(10);
  });

  it('checks the topics readers may choose: unique names without case, labels by language', () => {
    const topics = loadConfig().subscription.topics;
    expect(topics.map((t) => t.name)).toContain('energy');
    expect(
      loadConfig(configFile({ subscription: { topics: [{ name: 'Climate', labels: { fr: 'Climat' } }] } })).subscription
        .topics,
    ).toEqual([{ name: 'Climate', labels: { fr: 'Climat' } }]);
    const bad = configFile({
      subscription: {
        topics: [{ name: 'Climate' }, { name: 'climate ' }, { name: 'Sport', labels: { French: 'Sport' } }],
        welcomeEmail: 'yes',
      },
    });
    expect(() => loadConfig(bad)).toThrow(
      /subscription.topics\[1\].name "climate " is already subscription.topics\[0\]/,
    );
    expect(() => loadConfig(bad)).toThrow(
      /subscription.topics\[2\].labels key "French" must be a primary language subtag/,
    );
    expect(() => loadConfig(bad)).toThrow(/subscription.welcomeEmail must be true or false/);
  });

  it('accepts plain http only for a local run on this machine', () => {
    expect(loadConfig(configFile({ publication: { siteUrl: 'http://127.0.0.1:8080/' } })).publication.siteUrl).toBe(
      'http://127.0.0.1:8080',
    );
    expect(() => loadConfig(configFile({ publication: { siteUrl: 'http://monexus.example' } }))).toThrow(
      /publication.siteUrl must be an https:\/\/ URL/,
    );
  });

  it('names the file and every bad field', () => {
    const file = configFile({ sender: { address: 'desk' }, feeds: { limit: 0 }, postalAddress: 'line one\nline two' });
    expect(() => loadConfig(file)).toThrow(ConfigError);
    try {
      loadConfig(file);
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toContain(file);
      expect(message).toContain('sender.address must be an email address');
      expect(message).toContain('feeds.limit must be a positive integer');
      expect(message).toContain('postalAddress must be a non-empty single-line string');
    }
  });

  it('says when the file is not JSON', () => {
    expect(() => loadConfig(configFile('{ name: Monexus'))).toThrow(/cannot read configuration/);
  });

  it('offers each, daily and weekly digests by default, read at 07:00 UTC on Mondays', () => {
    expect(loadConfig().subscription.digests).toEqual({
      cadences: ['each', 'daily', 'weekly'],
      hour: 7,
      weekday: 'monday',
      timeZone: 'UTC',
      maxItems: 30,
    });
    const digests = { cadences: ['each', 'weekly'], timeZone: 'Europe/London' };
    expect(configFrom({ subscription: { digests } }, 'test').subscription.digests).toMatchObject(digests);
  });

  const refusal = (raw: unknown): string => {
    try {
      configFrom(raw, 'harbour.json');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('the configuration was accepted');
  };

  it('refuses digest cadences without each, naming the file and the key', () => {
    const message = refusal({ subscription: { digests: { cadences: ['daily', 'weekly'] } } });
    expect(message).toContain('harbour.json: invalid configuration');
    expect(message).toContain('subscription.digests.cadences must include each');
  });

  it('refuses a digest time zone this runtime does not know, naming the key and the zone', () => {
    const message = refusal({ subscription: { digests: { timeZone: 'Europe/Atlantis' } } });
    expect(message).toContain('subscription.digests.timeZone "Europe/Atlantis" is not a time zone');
  });
});
