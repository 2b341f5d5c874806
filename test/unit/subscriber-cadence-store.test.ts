// The reader's cadence as the subscribers table keeps it: set by the form, changed on the preference page, by an
// import or by subscribing again, always with the time of the change and the cadence before it (src/cadence.ts).
import { describe, expect, it } from 'vitest';
import { cadenceAt } from '../../src/cadence.ts';
import { subscriberData } from '../../src/subscribers/preferences.ts';
import { subscriberFromItem } from '../../src/subscribers/subscriber.ts';
import { subscriberDepsInMemory } from '../helpers/subscriber-deps-memory.ts';

const SECRET = 'cadence-store-secret-0123456789-abcdefghij';
const T0 = new Date('2026-07-01T08:00:00Z');
const T1 = new Date('2026-07-02T08:00:00Z');
const T2 = new Date('2026-07-03T08:00:00Z');

function world() {
  let now = T0;
  const memory = subscriberDepsInMemory(SECRET, () => now);
  return { ...memory, at: (time: Date) => void (now = time) };
}

const request = (address: string, cadence?: 'each' | 'daily' | 'weekly') => ({
  address,
  consentSource: 'web-form:home',
  topics: [],
  ...(cadence !== undefined && { cadence }),
});

describe('the subscribers table keeps the reader’s cadence', () => {
  it('stores the cadence a new subscriber asked for, with no change to date', async () => {
    const { store } = world();
    const { subscriber } = await store.subscribe(request('daily@example.org', 'daily'), T0);
    expect(subscriber).toMatchObject({ cadence: 'daily' });
    expect(subscriber?.cadenceChangedAt).toBeUndefined();
    expect(subscriber?.previousCadence).toBeUndefined();
    expect(cadenceAt(subscriber!, new Date('2020-01-01T00:00:00Z'))).toBe('daily');
  });

  it('reads a record from before cadences as every editorial on its own', async () => {
    const { store } = world();
    const { subscriber } = await store.subscribe(request('old@example.org'), T0);
    expect(subscriber?.cadence).toBeUndefined();
    expect(cadenceAt(subscriber!, T1)).toBe('each');
    expect(subscriberFromItem({ id: 'x', status: 'confirmed', cadence: 'hourly' }).cadence).toBeUndefined();
  });

  it('keeps what a pending subscriber first asked for when they ask again', async () => {
    const { store } = world();
    await store.subscribe(request('twice@example.org', 'weekly'), T0);
    const again = await store.subscribe(request('twice@example.org', 'daily'), T1);
    expect(again.subscriber?.cadence).toBe('weekly');
  });

  it('records a re-subscription’s cadence as a change, so editorials before it keep the old one', async () => {
    const { store } = world();
    const { subscriber } = await store.subscribe(request('back@example.org', 'daily'), T0);
    await store.confirm(subscriber!.id, T0);
    await store.unsubscribe(subscriber!.id, T1);
    const back = await store.subscribe(request('back@example.org', 'weekly'), T2);
    expect(back.outcome).toBe('resubscribed');
    expect(back.subscriber).toMatchObject({
      status: 'pending',
      cadence: 'weekly',
      previousCadence: 'daily',
      cadenceChangedAt: T2.toISOString(),
    });
    expect(cadenceAt(back.subscriber!, T1)).toBe('daily');
  });

  it('changes a live subscription’s cadence from the preference page, from now on', async () => {
    const { store } = world();
    const { subscriber } = await store.subscribe(request('reader@example.org'), T0);
    await store.confirm(subscriber!.id, T0);
    const changed = await store.changeCadence(subscriber!.id, 'daily', T1);
    expect(changed.outcome).toBe('changed');
    expect(changed.subscriber).toMatchObject({
      cadence: 'daily',
      previousCadence: 'each',
      cadenceChangedAt: T1.toISOString(),
    });
    expect(cadenceAt(changed.subscriber!, T0)).toBe('each');
    expect(cadenceAt(changed.subscriber!, T2)).toBe('daily');
    // The same choice again writes nothing: the time of the change stays the first one's.
    const same = await store.changeCadence(subscriber!.id, 'daily', T2);
    expect(same.outcome).toBe('unchanged');
    expect(same.subscriber?.cadenceChangedAt).toBe(T1.toISOString());
    expect(same.subscriber?.version).toBe(changed.subscriber?.version);
  });

  it('changes nothing for an ended subscription or an unknown reader', async () => {
    const { store } = world();
    const { subscriber } = await store.subscribe(request('ended@example.org'), T0);
    await store.unsubscribe(subscriber!.id, T0);
    expect((await store.changeCadence(subscriber!.id, 'weekly', T1)).outcome).toBe('not-subscribed');
    expect((await store.get(subscriber!.id))?.cadence).toBeUndefined();
    expect((await store.changeCadence(store.idFor('nobody@example.org'), 'weekly', T1)).outcome).toBe('unknown');
  });

  it('takes an import’s cadence: as is for a new reader, as a change for a known one, kept when blank', async () => {
    const { store } = world();
    const row = { status: 'confirmed' as const, consentAt: T0.toISOString(), defaultSource: 'import:crm.csv' };
    const created = await store.upsertImported({ ...row, address: 'new@example.org', cadence: 'weekly' }, T1);
    expect(created.outcome).toBe('created');
    expect(created.subscriber).toMatchObject({ cadence: 'weekly' });
    expect(created.subscriber?.cadenceChangedAt).toBeUndefined();

    const kept = await store.upsertImported({ ...row, address: 'new@example.org' }, T2);
    expect(kept.outcome).toBe('unchanged');
    expect(kept.subscriber?.cadence).toBe('weekly');

    const moved = await store.upsertImported({ ...row, address: 'new@example.org', cadence: 'each' }, T2);
    expect(moved.outcome).toBe('updated');
    expect(moved.subscriber).toMatchObject({
      cadence: 'each',
      previousCadence: 'weekly',
      cadenceChangedAt: T2.toISOString(),
    });
  });

  it('puts the cadence and its last change in the data a reader downloads', async () => {
    const { store, deps } = world();
    const { subscriber } = await store.subscribe(request('data@example.org'), T0);
    await store.confirm(subscriber!.id, T0);
    const before = subscriberData((await store.get(subscriber!.id))!, deps.config).subscriber as Record<
      string,
      unknown
    >;
    expect(before.cadence).toBe('each');
    expect(before).not.toHaveProperty('cadenceChangedAt');
    const { subscriber: after } = await store.changeCadence(subscriber!.id, 'weekly', T1);
    expect(subscriberData(after!, deps.config).subscriber).toMatchObject({
      cadence: 'weekly',
      previousCadence: 'each',
      cadenceChangedAt: T1.toISOString(),
    });
  });
});
