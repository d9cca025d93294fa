import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { evolveActor, initialActorState, type ActorEvent, type ActorState } from '../../src/actors/domain/index.js';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { describeOnServer } from '../support/test-database.js';
import { actorRequests, ids, en, uniqueName } from './support/actor-requests.js';

let t: TestApp;
let api: ReturnType<typeof actorRequests>;
beforeAll(async () => {
  t = await openTestApp();
  api = actorRequests(t);
});
afterAll(() => t.close());


/** The state the actor's own events fold to, from its history. */
function foldHistory(history: { type: string; data: unknown }[]): ActorState {
  return history.map(({ type, data }) => ({ type, data }) as ActorEvent).reduce(evolveActor, initialActorState());
}

const nameKey = (name: { value: string; language: string; kind: string }) => `${name.language}:${name.kind}:${name.value}`;

describeOnServer('concurrent changes to the registry', () => {
  it('adds 16 aliases at once to one actor: each succeeds or fails cleanly, and the registry matches the log', async () => {
    const id = await api.register();
    const aliases = Array.from({ length: 16 }, () => uniqueName('Clan'));

    const responses = await Promise.all(aliases.map((alias) => api.command(id, 'aliases', en(alias, 'alias'))));

    expect(responses.map((response) => response.status).filter((status) => status !== 200 && status !== 409)).toEqual([]);
    const added = aliases.filter((_, index) => responses[index]!.status === 200);
    const actor = await api.get(id);
    const folded = foldHistory(await api.history(id));
    expect(actor.names.map(nameKey).sort()).toEqual(
      folded.status === 'not_registered' ? [] : folded.names.map(nameKey).sort(),
    );
    expect(actor.names.filter((name) => name.kind === 'alias').map((name) => name.value).sort()).toEqual(added.sort());
    expect(actor.version).toBe(1 + added.length);
  });

  it('never closes a cycle with two opposite parent changes at once: exactly one succeeds', async () => {
    for (let round = 0; round < 10; round++) {
      const [a, b] = [await api.register(), await api.register()];

      const [aUnderB, bUnderA] = await Promise.all([api.setParent(a, b), api.setParent(b, a)]);

      expect([aUnderB.status, bUnderA.status].sort()).toEqual([200, 409]);
      expect([aUnderB, bUnderA].find((response) => response.status === 409)!.body).toMatchObject({ code: 'parent_cycle' });
      const chains = [ids((await api.get(a)).parentChain), ids((await api.get(b)).parentChain)];
      expect(chains).toEqual(aUnderB.status === 200 ? [[b], []] : [[], [a]]);
    }
  });
});
