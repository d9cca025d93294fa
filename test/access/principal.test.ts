import { assassinationBody } from '../../src/incidents/http/dto/testing/worked-example-body.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { en, incidentNaming, tribe, uniqueName } from '../actors/support/actor-requests.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

/**
 * Who made each write is the principal of its key, recorded on its events (metadata.actor is the
 * key's name, metadata.role its role). A client cannot claim another name: the X-Actor header of
 * before keys is ignored. And one principal's Idempotency-Key is not another's: two people who
 * happen to pick the same key each get their own write.
 */

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

const metadataAt = async (position: number) =>
  (await t.db.pool.query(`SELECT metadata FROM events WHERE global_position = $1`, [position])).rows[0].metadata as Record<string, unknown>;
const streamMetadata = async (streamId: string) =>
  (await t.db.pool.query(`SELECT metadata FROM events WHERE stream_id = $1 ORDER BY stream_version`, [streamId])).rows.map(
    (row) => row.metadata as Record<string, unknown>,
  );

const incident = () => incidentNaming([{ name: uniqueName('Sheikh'), role: 'victim' }]);

describe('the principal on events', () => {
  it('records a write by the key "amina" as made by amina, a reporter', async () => {
    const amina = await t.as('amina', 'reporter');
    const recorded = await amina.post('/incidents').send(incident()).expect(201);

    expect(await metadataAt(recorded.body.position)).toMatchObject({ actor: 'amina', role: 'reporter', requestId: expect.any(String) });
    const history = (await t.http().get(`/incidents/${recorded.body.id}/history`).expect(200)).body.events;
    expect(history).toEqual([expect.objectContaining({ type: 'incident.recorded', by: 'amina' })]);
  });

  it("records each command under its own key's name and role: a reporter's recording, an editor's correction", async () => {
    const { body } = await (await t.as('reporter-rana', 'reporter')).post('/incidents').send(incident()).expect(201);
    await (await t.as('editor-omar', 'editor'))
      .post(`/incidents/${body.id}/verification`)
      .send({ note: 'Two outlets agree.' })
      .expect(200);

    expect((await streamMetadata(`incident-${body.id}`)).map(({ actor, role }) => ({ actor, role }))).toEqual([
      { actor: 'reporter-rana', role: 'reporter' },
      { actor: 'editor-omar', role: 'editor' },
    ]);
  });

  it('records the principal on the actor registry too', async () => {
    const { body } = await (await t.as('registrar', 'editor')).post('/actors').send(tribe()).expect(201);
    expect(await metadataAt(body.position)).toMatchObject({ actor: 'registrar', role: 'editor' });
  });

  it('ignores an X-Actor header: the key says who wrote, whatever the header claims', async () => {
    const amina = await t.as('amina', 'reporter');
    const recorded = await amina.post('/incidents').set('X-Actor', 'someone-else').send(incident()).expect(201);
    await (await t.as('editor-omar', 'editor'))
      .post(`/incidents/${recorded.body.id}/dispute`)
      .set('X-Actor', 'test-admin')
      .send({ reason: 'The family denies it.' })
      .expect(200);

    const metadata = await streamMetadata(`incident-${recorded.body.id}`);
    expect(metadata.map(({ actor, role }) => ({ actor, role }))).toEqual([
      { actor: 'amina', role: 'reporter' },
      { actor: 'editor-omar', role: 'editor' },
    ]);
    expect(JSON.stringify(metadata)).not.toMatch(/someone-else|test-admin/);
  });

  it('keeps a plain X-Correlation-Id and replaces an odd one by the request id', async () => {
    const reporter = await t.as('correlating', 'reporter');
    const plain = await reporter.post('/incidents').set('X-Correlation-Id', 'report-2020-08-08').send(assassinationBody()).expect(201);
    const odd = await reporter.post('/incidents').set('X-Correlation-Id', 'a b <c>').send(assassinationBody()).expect(201);
    const metadataOf = async (id: string) =>
      (await t.db.pool.query(`SELECT metadata FROM events WHERE stream_id = $1`, [`incident-${id}`])).rows[0].metadata;
    expect((await metadataOf(plain.body.id)).correlationId).toBe('report-2020-08-08');
    const kept = await metadataOf(odd.body.id);
    expect(kept.correlationId).toBe(kept.requestId);
  });

  it('no longer documents an X-Actor header', async () => {
    const document = JSON.stringify((await t.anonymous().get('/docs-json').expect(200)).body);
    expect(document).not.toMatch(/x-actor/i);
  });
});

describe('idempotency keys of two principals', () => {
  it('do not collide when both record an incident: each gets its own incident, a retry its own first result', async () => {
    const [first, second] = [await t.as('desk-1', 'reporter'), await t.as('desk-2', 'reporter')];
    const body = incident();

    const one = await first.post('/incidents').set('Idempotency-Key', 'report-1').send(body).expect(201);
    const two = await second.post('/incidents').set('Idempotency-Key', 'report-1').send(body).expect(201);
    expect(two.body.id).not.toBe(one.body.id);

    const retried = await second.post('/incidents').set('Idempotency-Key', 'report-1').send(body).expect(201);
    expect(retried.body).toEqual(two.body);
    expect((await streamMetadata(`incident-${one.body.id}`)).map((m) => m.actor)).toEqual(['desk-1']);
    expect((await streamMetadata(`incident-${two.body.id}`)).map((m) => m.actor)).toEqual(['desk-2']);
  });

  it('do not collide when both register an actor', async () => {
    const [first, second] = [await t.as('registry-1', 'editor'), await t.as('registry-2', 'editor')];
    const one = await first.post('/actors').set('Idempotency-Key', 'actor-1').send(tribe()).expect(201);
    const two = await second.post('/actors').set('Idempotency-Key', 'actor-1').send(tribe()).expect(201);
    expect(two.body.id).not.toBe(one.body.id);
  });

  it('do not collide when both attach a source to the same incident', async () => {
    const { body: recorded } = await t.http().post('/incidents').send(incident()).expect(201);
    const [first, second] = [await t.as('desk-1', 'reporter'), await t.as('desk-2', 'reporter')];

    await first
      .post(`/incidents/${recorded.id}/sources`)
      .set('Idempotency-Key', 'source-1')
      .send({ outlet: 'Enab Baladi', language: 'ar', access: 'relayed' })
      .expect(200);
    // The second desk's own first request with this key, about another source: it must be recorded
    // as the second desk's, not refused (422) nor answered with the first desk's result.
    const answer = await second
      .post(`/incidents/${recorded.id}/sources`)
      .set('Idempotency-Key', 'source-1')
      .send({ outlet: 'North Press', language: 'ar', access: 'relayed' });

    expect({ status: answer.status, version: answer.body.version }).toEqual({ status: 200, version: 3 });
    expect((await streamMetadata(`incident-${recorded.id}`)).map((m) => m.actor)).toEqual(['test-admin', 'desk-1', 'desk-2']);
  });

  it("do not collide on the same request: the second principal's is recorded as theirs, not answered with the first's result", async () => {
    const { body: recorded } = await t.http().post('/incidents').send(incident()).expect(201);
    const [first, second] = [await t.as('desk-1', 'reporter'), await t.as('desk-2', 'reporter')];
    const source = { outlet: 'Deir ez-Zor 24', language: 'ar', access: 'relayed' };

    const one = await first.post(`/incidents/${recorded.id}/sources`).set('Idempotency-Key', 'same-1').send(source).expect(200);
    const two = await second.post(`/incidents/${recorded.id}/sources`).set('Idempotency-Key', 'same-1').send(source);

    expect({ status: two.status, version: two.body.version }).toEqual({ status: 200, version: one.body.version + 1 });
    expect((await streamMetadata(`incident-${recorded.id}`)).map((m) => m.actor)).toEqual(['test-admin', 'desk-1', 'desk-2']);
  });

  it('do not collide when both give the same actor a name', async () => {
    const { body: actor } = await t.http().post('/actors').send(tribe()).expect(201);
    const [first, second] = [await t.as('registry-1', 'editor'), await t.as('registry-2', 'editor')];

    await first.post(`/actors/${actor.id}/aliases`).set('Idempotency-Key', 'alias-1').send(en(uniqueName('Clan'), 'alias')).expect(200);
    const answer = await second.post(`/actors/${actor.id}/aliases`).set('Idempotency-Key', 'alias-1').send(en(uniqueName('Clan'), 'alias'));

    expect({ status: answer.status, version: answer.body.version }).toEqual({ status: 200, version: 3 });
    expect((await streamMetadata(`actor-${actor.id}`)).map((m) => m.actor)).toEqual(['test-admin', 'registry-1', 'registry-2']);
  });

  it("still answers one principal's retry with its first result, recording once", async () => {
    const { body: recorded } = await t.http().post('/incidents').send(incident()).expect(201);
    const desk = await t.as('desk-1', 'reporter');
    const attach = () =>
      desk.post(`/incidents/${recorded.id}/sources`).set('Idempotency-Key', 'retry-1').send({ outlet: 'Enab Baladi', language: 'ar', access: 'relayed' });

    const first = await attach().expect(200);
    const retry = await attach().expect(200);
    expect(retry.body).toEqual(first.body);
    expect(await streamMetadata(`incident-${recorded.id}`)).toHaveLength(2);
  });
});
