import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

const http = () => t.http();
const eventCount = async () => Number((await t.db.pool.query('SELECT count(*) FROM events')).rows[0].count);

const BAGHUZ = { latitude: 34.43221, longitude: 40.99226 };

const incidentAt = (place: object) => ({
  category: 'territory_taken',
  title: { text: 'قوات سوريا الديمقراطية تعلن السيطرة على الباغوز', language: 'ar' },
  occurred: { from: '2019-03-01', precision: 'month' },
  place: { countryCode: 'SY', ...place },
  actors: [{ name: 'قوات سوريا الديمقراطية', role: 'perpetrator' }],
  sources: [{ outlet: 'نورث برس', language: 'ar', access: 'relayed' }],
});

async function recordedPlace(place: object) {
  const { id } = (await http().post('/incidents').send(incidentAt(place)).expect(201)).body;
  return (await http().get(`/incidents/${id}`).expect(200)).body.place;
}

describe('the place of an incident, tied to the gazetteer', () => {
  it('resolves a name in any spelling to its p-codes and records how', async () => {
    const place = await recordedPlace({ name: 'Dayr az-Zawr Governorate', precision: 'governorate' });
    expect(place).toMatchObject({ name: 'Dayr az-Zawr Governorate', admin1: 'SY09', resolution: { method: 'alias' } });
    expect(place).not.toHaveProperty('admin2');
  });

  it('resolves UCDP\'s spelling of a district to the district and its governorate', async () => {
    const place = await recordedPlace({ name: 'Albu Kamal district', precision: 'district' });
    expect(place).toMatchObject({ admin1: 'SY09', admin2: 'SY0902', resolution: { method: 'alias' } });
  });

  it('places a village that is no unit by its coordinates, to the subdistrict', async () => {
    const place = await recordedPlace({ name: 'الباغوز', ...BAGHUZ, precision: 'locality' });
    expect(place).toMatchObject({
      admin1: 'SY09',
      admin2: 'SY0902',
      admin3: 'SY090203', // Susat subdistrict, whose centroid is 11 km away
      resolution: { method: 'coordinates-nearest-centroid', confidence: expect.any(Number) },
    });
  });

  it('does not let the coordinates of an area take it deeper than its precision', async () => {
    const place = await recordedPlace({ name: 'Deir ez-Zor Governorate', latitude: 35.0, longitude: 40.5, precision: 'governorate' });
    expect(place).toMatchObject({ admin1: 'SY09', resolution: { method: 'name' } });
    expect(place).not.toHaveProperty('admin2');
  });

  it('takes p-codes as given, filling in the units above the deepest one', async () => {
    const place = await recordedPlace({ name: 'ريف البوكمال', admin2: 'SY0902', precision: 'district' });
    expect(place).toMatchObject({ admin1: 'SY09', admin2: 'SY0902', resolution: { method: 'p-code' } });
    expect(place).not.toHaveProperty('admin3');
  });

  it('lets a point\'s coordinates take given p-codes deeper inside them', async () => {
    const place = await recordedPlace({ name: 'الباغوز', admin1: 'SY09', admin2: 'SY0902', ...BAGHUZ, precision: 'locality' });
    expect(place).toMatchObject({ admin2: 'SY0902', admin3: 'SY090203' });
    expect(place.resolution.method).toBe('coordinates-nearest-centroid');
  });

  it('keeps a name two units share equally unresolved, with both as candidates', async () => {
    const place = await recordedPlace({ name: 'Suran', precision: 'locality' });
    expect(place).not.toHaveProperty('admin1');
    expect(place.resolution.method).toBe('unresolved');
    expect(place.resolution.candidates.map((c: { pcode: string }) => c.pcode).sort()).toEqual(['SY020405', 'SY050101']);
  });

  it('does not resolve coordinates outside the country', async () => {
    const place = await recordedPlace({ name: 'Zzyzx', latitude: 33.31, longitude: 44.36, precision: 'point' });
    expect(place).not.toHaveProperty('admin1');
    expect(place.resolution).toMatchObject({ method: 'unresolved', reason: expect.stringContaining('outside') });
  });

  it('accepts p-codes of a country the gazetteer does not hold, as given', async () => {
    const place = await recordedPlace({ name: 'Baghdad', countryCode: 'IQ', admin1: 'IQ08', precision: 'governorate' });
    expect(place).toMatchObject({ countryCode: 'IQ', admin1: 'IQ08', resolution: { method: 'p-code' } });
  });

  it('resolves the place a correction gives, and records it on the correction', async () => {
    const { id } = (await http().post('/incidents').send(incidentAt({ name: 'Suran', precision: 'locality' })).expect(201)).body;
    await http()
      .post(`/incidents/${id}/corrections`)
      .send({ changes: { place: { name: 'Hajin', countryCode: 'SY', precision: 'locality' } }, reason: 'Misread place.' })
      .expect(200);
    const history = (await http().get(`/incidents/${id}/history`).expect(200)).body.events;
    expect(history[1].data.changes.place).toMatchObject({ name: 'Hajin', admin1: 'SY09', admin2: 'SY0902', resolution: { method: 'name' } });
  });
});

describe('p-codes the gazetteer does not have that way', () => {
  it.each([
    ['an unknown p-code', { admin1: 'SY99' }, 'place.admin1'],
    ['a district outside the governorate given', { admin1: 'SY09', admin2: 'SY0801' }, 'place.admin2'],
    ['a p-code at the wrong level', { admin1: 'SY0902' }, 'place.admin1'],
  ])('refuses %s with 422, naming the field, and records nothing', async (_, codes, path) => {
    const before = await eventCount();
    const response = await http().post('/incidents').send(incidentAt({ name: 'x', precision: 'district', ...codes })).expect(422);
    expect(response.body).toMatchObject({ code: 'unknown_place', errors: [expect.objectContaining({ path })] });
    expect(await eventCount()).toBe(before);
  });
});
