import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getMetadataStorage } from 'class-validator';
import { ResolvePlaceDto, SearchPlacesDto } from '../../src/places/http/place-queries.dto.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

const http = () => t.http();

async function problem(url: string, status: number) {
  const response = await http().get(url);
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.body;
}

describe('GET /places', () => {
  it('ranks units by how well one of their names matches q, with the matched name and score', async () => {
    const response = await http().get('/places').query({ q: 'Dayr az-Zawr', limit: 2 }).expect(200);
    expect(response.body).toEqual([
      {
        pcode: 'SY09',
        level: 1,
        countryCode: 'SY',
        nameEn: 'Deir ez-Zor',
        nameAr: 'دير الزور',
        parentPcode: 'SY',
        matchedName: { value: 'Dayr az-Zawr', language: 'en', kind: 'alternate_spelling' },
        score: 1,
      },
      expect.objectContaining({ pcode: 'SY090100', score: 1 }),
    ]);
  });

  it('lists the units of a level without q', async () => {
    const response = await http().get('/places?level=1&limit=100').expect(200);
    expect(response.body).toHaveLength(14);
    expect(response.body[0]).toEqual({ pcode: 'SY01', level: 1, countryCode: 'SY', nameEn: 'Damascus', nameAr: 'دمشق', parentPcode: 'SY' });
  });

  it('refuses bad parameters, one entry each', async () => {
    const body = await problem('/places?level=7&limit=0&country=syria&colour=red', 400);
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { path: 'level', message: 'level must be a whole number from 0 to 3' },
        { path: 'limit', message: 'limit must be a whole number from 1 to 100' },
        { path: 'country', message: 'country must be an ISO 3166-1 alpha-2 code such as SY' },
        { path: 'colour', message: 'property colour should not exist' },
      ]),
    );
  });
});

describe('GET /places/:pcode', () => {
  it('shows the unit with its parents and children', async () => {
    const response = await http().get('/places/SY09').expect(200);
    expect(response.body).toMatchObject({
      pcode: 'SY09',
      level: 1,
      nameEn: 'Deir ez-Zor',
      parents: [{ pcode: 'SY', level: 0, countryCode: 'SY', nameEn: 'Syria', nameAr: 'سوريا' }],
      children: [
        { pcode: 'SY0901', nameEn: 'Deir ez-Zor' },
        { pcode: 'SY0902', nameEn: 'Abu Kamal' },
        { pcode: 'SY0903', nameEn: 'Mayadin' },
      ],
      externalIds: { ochaPcode: 'SY09', wikidata: expect.any(String) },
    });
    expect(response.body.names).toContainEqual({ value: 'محافظة دير الزور', language: 'ar', kind: 'formal' });
  });

  it('takes a p-code in any case', async () => {
    expect((await http().get('/places/sy0902').expect(200)).body.pcode).toBe('SY0902');
  });

  it('is 404 problem+json for an unknown p-code', async () => {
    expect(await problem('/places/SY99', 404)).toMatchObject({
      type: '/problems/not-found',
      title: 'No such place',
      detail: 'No administrative unit has the p-code SY99.',
      instance: '/places/SY99',
    });
  });
});

describe('GET /places/resolve', () => {
  it('resolves a name within its repeated parents, with the method and matched name', async () => {
    const response = await http()
      .get('/places/resolve')
      .query({ name: 'Al Mayadin district', parent: ['Syria', 'Deir ez Zor Governorate'] })
      .expect(200);
    expect(response.body).toMatchObject({
      pcode: 'SY0903',
      level: 2,
      path: { country: 'SY', admin1: 'SY09', admin2: 'SY0903' },
      method: 'name',
      confidence: 1,
      matchedName: 'Mayadin',
    });
  });

  it('reports the runner-up', async () => {
    const response = await http().get('/places/resolve').query({ name: 'دير الزور' }).expect(200);
    expect(response.body).toMatchObject({ pcode: 'SY09', runnerUp: { pcode: 'SY0901', name: 'Deir ez-Zor', score: 1 } });
  });

  it('places coordinates by the nearest centroid', async () => {
    const response = await http().get('/places/resolve?name=Baghuz&lat=34.43221&lon=40.99226&country=SY').expect(200);
    expect(response.body).toMatchObject({ pcode: 'SY090203', method: 'coordinates-nearest-centroid' });
  });

  it('answers unresolved, with the reason and the candidates, for a name two units share', async () => {
    const response = await http().get('/places/resolve?name=Suran').expect(200);
    expect(response.body).toMatchObject({
      method: 'unresolved',
      confidence: 0,
      reason: expect.stringMatching(/matches 2 units equally/),
      candidates: [
        { pcode: 'SY020405', level: 3, name: 'Suran', matchedName: 'Suran', score: 1 },
        { pcode: 'SY050101', level: 3, name: 'Suran', matchedName: 'Suran', score: 1 },
      ],
    });
    expect(response.body.pcode).toBeUndefined();
  });

  it('answers unresolved for coordinates outside the country', async () => {
    const response = await http().get('/places/resolve?name=Baghdad&lat=33.31&lon=44.36').expect(200);
    expect(response.body).toMatchObject({ method: 'unresolved', reason: expect.stringMatching(/outside/) });
  });

  it.each([
    ['lat=200&lon=40', { path: 'lat', message: 'lat must be a number from -90 to 90' }],
    ['lat=35&lon=-181', { path: 'lon', message: 'lon must be a number from -180 to 180' }],
    ['lat=35', { path: 'lon', message: 'lat and lon go together: give both or neither' }],
    ['lat=&lon=40', { path: 'lat', message: 'lat must be a number from -90 to 90' }],
    ['lat=north&lon=40', { path: 'lat', message: 'lat must be a number from -90 to 90' }],
    ['level=7', { path: 'level', message: 'level must be a whole number from 1 to 3' }],
    ['level=1.5', { path: 'level', message: 'level must be a whole number from 1 to 3' }],
    ['parent=', { path: 'parent', message: 'each value in parent must not be blank' }],
    ['country=Syria', { path: 'country', message: 'country must be an ISO 3166-1 alpha-2 code such as SY' }],
  ])('refuses %s with 400 problem+json naming the field', async (params, error) => {
    const body = await problem(`/places/resolve?name=Hajin&${params}`, 400);
    expect(body).toMatchObject({ type: '/problems/validation-error', status: 400 });
    expect(body.errors).toContainEqual(error);
  });

  it('refuses a missing name, and lists every bad parameter at once', async () => {
    const body = await problem('/places/resolve?lat=200&lon=40&level=7', 400);
    expect(body.errors).toEqual([
      { path: 'name', message: 'name is required' },
      { path: 'lat', message: 'lat must be a number from -90 to 90' },
      { path: 'level', message: 'level must be a whole number from 1 to 3' },
    ]);
  });
});

describe('the OpenAPI document', () => {
  const validated = (dto: Function) =>
    [...new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((m) => m.propertyName))].sort();

  it.each([
    ['/places', SearchPlacesDto],
    ['/places/resolve', ResolvePlaceDto],
  ])('documents exactly the query parameters %s validates', async (path, dto) => {
    const document = (await http().get('/docs-json').expect(200)).body;
    const documented = document.paths[path].get.parameters.map((parameter: { name: string }) => parameter.name).sort();
    expect(documented).toEqual(validated(dto));
  });

  it('describes the answers under names of their own, beside the incident\'s PlaceDto', async () => {
    const { schemas } = (await http().get('/docs-json').expect(200)).body.components;
    expect(schemas.PlaceResolutionDto.properties.method.enum).toEqual(['name', 'alias', 'coordinates-nearest-centroid', 'unresolved']);
    expect(Object.keys(schemas.PlaceViewDto.properties)).toEqual(expect.arrayContaining(['parents', 'children', 'names']));
    expect(Object.keys(schemas.PlaceDto.properties)).toEqual(expect.arrayContaining(['admin1', 'precision']));
  });
});
