import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { recordWorkedExample } from '../../src/demo/run-demo.js';
import { WORKED_EXAMPLE_ACTOR_IDS } from '../../src/demo/worked-example-actors.js';
import { WORKED_EXAMPLE_IDS } from '../../src/demo/worked-example.js';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { buildWebApp, REPO_ROOT } from './support/build-web-app.js';

/**
 * The analyst's web page (issue 8), end to end in a real browser: Debian's Chromium driven by
 * playwright-core, against the whole service on a port of its own, with the worked example
 * recorded and the page built into dist/web. Screenshots of the main views are kept in
 * test-output/screenshots/ for a person to look at.
 */

// The page's functions run in the browser; the test's TypeScript has no DOM types.
declare const document: any;
declare const window: any;
declare function getComputedStyle(element: any): any;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(REPO_ROOT, 'test-output', 'screenshots');
const ids = WORKED_EXAMPLE_IDS;
const TIMEOUT = 120_000;

let t: TestApp;
let base: string;
let browser: Browser;
let editorKey: string;
let viewerKey: string;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The web page's browser test needs Chromium at ${CHROMIUM}, and it is not there. Install Debian's package ` +
        '(apt-get install chromium; .ci/run does), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  buildWebApp();
  mkdirSync(SHOTS, { recursive: true });
  t = await openTestApp();
  await recordWorkedExample(t.app.get(CommandBus));
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  editorKey = (await t.keys.create('amina@syria-desk', 'editor', 'test')).key;
  viewerKey = (await t.keys.create('omar@newsroom', 'viewer', 'test')).key;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** A new browser window: its own storage, UTC, the page's errors collected. */
async function openPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'en-GB', timezoneId: 'UTC', deviceScaleFactor: 1 });
  // Everything the page needs is on its own origin: any other request is a failure.
  await context.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => {
    problems.push(`request to another origin: ${route.request().url()}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A refused request (the key probe's 401/403, the form's 400) is logged by the browser itself.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return { context, page };
}

async function signIn(page: Page, key: string, hash = ''): Promise<void> {
  await page.goto(`${base}/${hash}`);
  await page.locator('#api-key').fill(key);
  await page.getByTestId('key-form').locator('button[type=submit]').click();
  await page.getByTestId('role').waitFor();
}

/** A screenshot of the whole page (or of one part of it) for a person to look at. */
async function shot(page: Page, name: string, part?: string): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    window.scrollTo(0, 0);
  });
  if (part) await page.locator(part).screenshot({ path: join(SHOTS, `${name}.png`) });
  else await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits until `check` holds (Playwright's own expect is not jest's). */
async function eventually<T>(check: () => Promise<T>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(100);
  }
}

const entries = (page: Page) => page.getByTestId('timeline').getByTestId('entry');
const hashParams = (page: Page) => new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '');

describe('the analyst’s web page', () => {
  let page: Page;
  let context: BrowserContext;
  beforeAll(async () => {
    ({ page, context } = await openPage());
  });
  afterAll(() => context?.close());

  it('is served at / with its assets, without a key, under the service’s CSP', async () => {
    const index = await t.anonymous().get('/').expect(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index.text)![1]!;
    const asset = await t.anonymous().get(script).expect(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(index.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it(
    'loads the worked example, filters to SY09 and one actor, opens the assassination, records a correction and shows it in the history',
    async () => {
      await signIn(page, editorKey);
      expect(await page.getByTestId('role').getAttribute('data-role')).toBe('editor');
      await eventually(async () => (await entries(page).count()) === 8, 'the eight incidents of the worked example');

      // The histogram by month and the map, drawn from the entries.
      const bars = page.getByTestId('histogram').locator('.histogram-bar:not(.is-empty)');
      const counted = await bars.evaluateAll((elements: any[]) => elements.map((element) => [element.dataset.month, Number(element.dataset.count)]));
      expect(Object.fromEntries(counted)).toEqual({ '2019-03': 1, '2020-07': 3, '2020-08': 4 });
      const points = page.getByTestId('map').locator('.map-point');
      await eventually(async () => (await points.count()) >= 2, 'points on the map');
      const onMap = await points.evaluateAll((elements: any[]) => elements.reduce((sum, element) => sum + Number(element.dataset.count), 0));
      expect(onMap).toBe(8);
      expect(await page.getByTestId('map').locator('path.map-focus').count()).toBe(1);
      // Labelled by Syria's governorates, at their centroids.
      expect(await page.getByTestId('map').locator('.map-landmark').count()).toBe(14);
      // Dates are grouped, with their precision shown.
      const headings = await page.getByTestId('date-label').allTextContents();
      expect(headings).toEqual(['March 2019', 'July 2020', 'week of 26 Jul 2020', 'week of 2 Aug 2020', '3 Aug 2020', '6 Aug 2020', '8 Aug 2020']);
      await shot(page, '01-timeline');

      // Region: the gazetteer's hierarchy, country then governorate.
      const region = page.getByTestId('region-picker');
      await region.locator('select[data-level="0"]').selectOption('SY');
      await region.locator('select[data-level="1"]').selectOption('SY09');
      await eventually(async () => hashParams(page).get('region') === 'SY09', 'region=SY09 in the address');
      await eventually(async () => (await region.locator('select[data-level="2"]').count()) === 1, 'the districts of Deir ez-Zor');

      // Actor: search as you type, in Arabic.
      await page.locator('#filter-actor').pressSequentially('مطشر', { delay: 30 });
      const option = page.getByTestId('actor-options').getByRole('option', { name: /Mutashar al-Hafl/ });
      await option.waitFor();
      await option.click();
      await eventually(async () => hashParams(page).get('actor') === WORKED_EXAMPLE_ACTOR_IDS.alHafl, 'actor=<al-Hafl> in the address');
      await eventually(async () => (await entries(page).count()) === 1, 'one entry for SY09 and al-Hafl');
      expect(await entries(page).first().getAttribute('data-id')).toBe(ids.assassination);
      expect(await page.getByTestId('actor-chosen').textContent()).toContain('Sheikh Mutashar al-Hafl');
      expect(await page.getByTestId('date-label').allTextContents()).toEqual(['week of 26 Jul 2020']);
      await shot(page, '02-timeline-sy09-al-hafl');

      // The address holds the view: another window opened on it shows the same.
      const shared = await openPage();
      await signIn(shared.page, editorKey, new URL(page.url()).hash);
      await eventually(async () => (await entries(shared.page).count()) === 1, 'the shared view');
      expect(await shared.page.locator('select[data-level="1"]').inputValue()).toBe('SY09');
      await shared.context.close();

      // The incident page: state, sources with grading, actors with roles, related incidents.
      await entries(page).first().locator('a').click();
      const incident = page.getByTestId('incident');
      await incident.waitFor();
      expect(new URL(page.url()).hash).toBe(`#/incidents/${ids.assassination}`);
      expect(await incident.locator('h1').textContent()).toBe('اغتيال الشيخ مطشر الهفل وقريبه دعار الخلف');
      expect(await page.getByTestId('occurred').textContent()).toBe('week of 26 Jul 2020');
      expect(await page.getByTestId('sources').textContent()).toContain('نورث برس');
      expect(await page.getByTestId('grading').textContent()).toBe('not graded');
      const actors = await page.getByTestId('actors').locator('.actor-row').allTextContents();
      expect(actors).toHaveLength(2);
      expect(actors[0]).toContain('Victim');
      expect(actors[0]).toContain('الشيخ مطشر الهفل');
      await page.getByTestId('related').locator('a', { hasText: 'عمليات اغتيال طالت وجهاء عشائر' }).waitFor();
      expect(await page.getByTestId('related').textContent()).toContain('Part of');
      await page.getByTestId('history').waitFor();
      await shot(page, '03-incident');

      // A correction with a bad field: the API's own message, next to that field.
      await page.getByTestId('action-correct').click();
      const form = page.getByTestId('correct-form');
      await form.waitFor();
      await form.locator('[name="changes.place.latitude"]').fill('99');
      await form.locator('[name="changes.place.longitude"]').fill('40.5');
      await form.locator('[name="reason"]').fill('Coordinates from a second report.');
      await page.getByTestId('submit').click();
      const latitudeError = form.locator('[data-field="changes.place.latitude"] [data-testid="field-error"]');
      await latitudeError.waitFor();
      const api = await t
        .http()
        .post(`/incidents/${ids.assassination}/corrections`)
        .set('If-Match', '"2"')
        .send({ changes: { place: { name: 'ريف دير الزور الشرقي', countryCode: 'SY', admin1: 'SY09', latitude: 99, longitude: 40.5, precision: 'region' } }, reason: 'x' })
        .expect(400);
      const apiMessage = api.body.errors.find((error: any) => error.path === 'changes.place.latitude').message;
      expect(await latitudeError.textContent()).toBe(apiMessage);
      expect(await form.locator('[name="changes.place.latitude"]').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByTestId('form-problem').getAttribute('data-status')).toBe('400');
      await shot(page, '04-correction-field-error');

      // The correction itself.
      await form.locator('[name="changes.place.latitude"]').fill('');
      await form.locator('[name="changes.place.longitude"]').fill('');
      await form.locator('[name="changes.occurred.from"]').fill('2020-07-31');
      await form.locator('[name="changes.occurred.precision"]').selectOption('day');
      await form.locator('[name="reason"]').fill('A second report dates the killing to 31 July.');
      await page.getByTestId('submit').click();
      await eventually(async () => (await page.getByTestId('incident').getAttribute('data-version')) === '3', 'the incident at version 3');
      expect(await page.getByTestId('flash').textContent()).toContain('version 3');
      expect(await page.getByTestId('occurred').textContent()).toBe('31 Jul 2020');

      // …and in the history: who, when, why, and the fields before and after.
      const corrected = page.getByTestId('history').locator('[data-type="incident.corrected"]');
      await corrected.waitFor();
      expect(await corrected.getByTestId('history-by').textContent()).toContain('amina@syria-desk');
      expect(await corrected.getByTestId('history-reason').textContent()).toContain('A second report dates the killing to 31 July.');
      const from = corrected.locator('tr[data-path="occurred.from"]');
      expect(await from.locator('del').textContent()).toBe('26 Jul 2020');
      expect(await from.locator('ins').textContent()).toBe('31 Jul 2020');
      expect(await from.locator('th').textContent()).toBe('When › from');
      await shot(page, '05-history', '#history');
      const stored = (await t.http().get(`/incidents/${ids.assassination}`).expect(200)).body;
      expect(stored.occurred).toMatchObject({ from: '2020-07-31', to: '2020-07-31', precision: 'day' });

      // The incident as of a past moment: before the correction, as the demo left it.
      const history = (await t.http().get(`/incidents/${ids.assassination}/history`).expect(200)).body.events;
      const linkedAt = Date.parse(history[1].recordedAt);
      const correctedAt = Date.parse(history[2].recordedAt);
      const moment = new Date(Math.floor(linkedAt / 1000) * 1000 + 1000);
      expect(moment.getTime()).toBeLessThan(correctedAt);
      await page.locator('#as-of-input').fill(moment.toISOString().slice(0, 19));
      await page.getByTestId('as-of').locator('button[type=submit]').click();
      await page.getByTestId('past-banner').waitFor();
      await eventually(async () => (await page.getByTestId('occurred').textContent()) === 'week of 26 Jul 2020', 'the incident as it stood before the correction');
      expect(hashParams(page).get('asOf')).toBe(moment.toISOString());
      expect(await page.getByTestId('actions').count()).toBe(0);
      await shot(page, '06-incident-as-of');
      await page.getByTestId('past-banner').locator('a').click();
      await eventually(async () => (await page.getByTestId('occurred').textContent()) === '31 Jul 2020', 'the incident as it stands');
    },
    TIMEOUT,
  );

  it(
    'shows Arabic text right to left where it occurs (dir="auto"), and has an Arabic interface',
    async () => {
      await page.goto(`${base}/#/incidents/${ids.assassination}`);
      const title = page.getByTestId('incident').locator('h1');
      await title.waitFor();
      expect(await title.getAttribute('dir')).toBe('auto');
      expect(await title.evaluate((element: any) => getComputedStyle(element).direction)).toBe('rtl');
      const english = page.getByTestId('incident').locator('.incident-subtitle');
      expect(await english.evaluate((element: any) => getComputedStyle(element).direction)).toBe('ltr');
      expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
      // Every Arabic name in the actors and sources is in an element of its own with dir="auto".
      const arabic = await page.evaluate(() =>
        [...document.querySelectorAll('[data-testid="actors"] *, [data-testid="sources"] *, [data-testid="history"] *')]
          .filter((element: any) => [...element.childNodes].some((node: any) => node.nodeType === 3 && /[\u0600-\u06FF]/.test(node.textContent)))
          .map((element: any) => ({ dir: element.closest('[dir]')?.getAttribute('dir'), direction: getComputedStyle(element).direction })),
      );
      expect(arabic.length).toBeGreaterThan(3);
      for (const element of arabic) expect(element).toEqual({ dir: 'auto', direction: 'rtl' });

      await page.getByTestId('lang-switch').click();
      await eventually(async () => (await page.evaluate(() => document.documentElement.dir)) === 'rtl', 'the page right to left');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('ar');
      expect(await page.locator('.nav-link').first().textContent()).toBe('الخط الزمني');
      expect(await page.getByTestId('action-correct').textContent()).toBe('تصحيح');
      expect(await page.getByTestId('occurred').textContent()).toBe('31 يوليو 2020');
      // English user text keeps its own direction inside the Arabic page (the translation, under the notes now).
      const translation = page.getByTestId('incident').locator('.translation p').first();
      expect(await translation.textContent()).toBe("Assassination of Sheikh Mutashar al-Hafl and his relative Da'ar al-Khalaf");
      expect(await translation.evaluate((element: any) => getComputedStyle(element).direction)).toBe('ltr');
      await shot(page, '07-incident-arabic');

      await page.goto(`${base}/#/timeline`);
      await eventually(async () => (await entries(page).count()) === 8, 'the timeline, in Arabic');
      expect(await page.locator('.filters-title').textContent()).toBe('عوامل التصفية');
      expect(await page.getByTestId('summary').textContent()).toContain('8 حوادث');
      await shot(page, '08-timeline-arabic');
      await page.getByTestId('lang-switch').click();
      await eventually(async () => (await page.evaluate(() => document.documentElement.dir)) === 'ltr', 'the page back in English');
    },
    TIMEOUT,
  );

  it(
    'shows a new incident recorded through the API on an open timeline, without a reload',
    async () => {
      await page.goto(`${base}/#/timeline?region=SY09`);
      await eventually(async () => (await entries(page).count()) === 8, 'the timeline of SY09');
      await eventually(async () => (await page.getByTestId('live').getAttribute('data-state')) === 'live', 'the live stream');
      await page.evaluate(() => (window.__notReloaded = true));

      const recorded = (
        await t
          .http()
          .post('/incidents')
          .send({
            category: 'arrest',
            title: { text: 'اعتقال ثلاثة شبان في بلدة الشحيل', language: 'ar' },
            translations: [{ language: 'en', title: 'Three young men arrested in al-Shuhayl' }],
            occurred: { from: '2020-08-07', precision: 'day' },
            place: { name: 'الشحيل', countryCode: 'SY', admin1: 'SY09', latitude: 35.0497, longitude: 40.5264, precision: 'locality' },
            actors: [{ name: 'قوات سوريا الديمقراطية', role: 'perpetrator' }],
            sources: [{ outlet: 'دير الزور 24', language: 'ar', access: 'relayed', reliability: 'C', credibility: 3 }],
          })
          .expect(201)
      ).body;
      const fresh = page.locator(`[data-testid="entry"][data-id="${recorded.id}"]`);
      await eventually(async () => (await fresh.count()) === 1, 'the new incident on the timeline', 20_000);
      expect(await fresh.getAttribute('class')).toContain('entry-fresh');
      expect(await entries(page).count()).toBe(9);
      expect(await page.evaluate(() => window.__notReloaded)).toBe(true);
      expect(await page.getByTestId('summary').textContent()).toContain('9 incidents');
      await shot(page, '09-timeline-live');
    },
    TIMEOUT,
  );

  it(
    'records an incident through the form, with the API’s field errors first',
    async () => {
      await page.goto(`${base}/#/incidents/new`);
      const form = page.getByTestId('record-form');
      await form.waitFor();
      await form.locator('[name="title.text"]').fill('قصف مدفعي على بلدة ذيبان');
      await page.getByTestId('submit').click();
      const errorAt = (path: string) => form.locator(`[data-field="${path}"] [data-testid="field-error"]`);
      await errorAt('category').waitFor();
      expect(await errorAt('category').textContent()).toBe('category must be one of the incident categories');
      expect(await errorAt('sources[0].outlet').textContent()).toContain('outlet');
      expect(await errorAt('occurred.from').count()).toBe(1);
      await shot(page, '10-record-form-errors');

      await form.locator('[name="category"]').selectOption('shelling_artillery_missile');
      await form.locator('[name="translations"]').fill('Artillery shelling on Dhiban');
      await form.locator('[name="occurred.from"]').fill('2020-08-05');
      await form.locator('[name="place.name"]').fill('ذيبان');
      await form.locator('[name="place.precision"]').selectOption('locality');
      await form.getByTestId('region-picker').locator('select[data-level="0"]').selectOption('SY');
      await form.getByTestId('region-picker').locator('select[data-level="1"]').selectOption('SY09');
      await eventually(async () => (await form.locator('[name="place.admin1"]').inputValue()) === 'SY09', 'the p-code from the gazetteer');
      await form.locator('[name="actors[0].name"]').fill('قوات الحكومة السورية');
      await form.locator('[name="actors[0].role"]').selectOption('perpetrator');
      await form.locator('[name="sources[0].outlet"]').fill('فرات بوست');
      await form.locator('[name="sources[0].reliability"]').selectOption('B');
      await form.locator('[name="sources[0].credibility"]').selectOption('2');
      await page.getByTestId('submit').click();
      await page.getByTestId('incident').waitFor();
      expect(await page.getByTestId('incident').locator('h1').textContent()).toBe('قصف مدفعي على بلدة ذيبان');
      expect(await page.getByTestId('grading').textContent()).toBe('B2');
      expect(await page.getByTestId('incident').getAttribute('data-version')).toBe('1');

      // Dispute it, verify it (which resolves the dispute), then retract it.
      const status = () => page.getByTestId('incident').locator('.incident-tags [data-status]').getAttribute('data-status');
      await page.getByTestId('action-dispute').click();
      await page.getByTestId('dispute-form').locator('[name="reason"]').fill('The village council denies any shelling that day.');
      await page.getByTestId('submit').click();
      await eventually(async () => (await status()) === 'disputed', 'the incident disputed');
      await page.getByTestId('action-verify').click();
      await page.getByTestId('verify-form').locator('[name="note"]').fill('Footage geolocated by two outlets.');
      await page.getByTestId('submit').click();
      await eventually(async () => (await status()) === 'verified', 'the incident verified');
      await page.getByTestId('action-retract').click();
      await page.getByTestId('retract-form').locator('[name="reason"]').fill('Duplicate of an earlier record.');
      await page.getByTestId('submit').click();
      await eventually(async () => (await status()) === 'retracted', 'the incident retracted');
      expect(await page.getByTestId('actions').count()).toBe(0);
      const types = () => page.getByTestId('history-item').evaluateAll((items: any[]) => items.map((item) => item.dataset.type).join(' '));
      await eventually(async () => (await types()) === 'incident.retracted incident.verified incident.disputed incident.recorded', 'the four events in the history');
      await shot(page, '11-incident-retracted');
    },
    TIMEOUT,
  );

  it(
    'shows a viewer no control its key may not use',
    async () => {
      const viewer = await openPage();
      try {
        await signIn(viewer.page, viewerKey);
        expect(await viewer.page.getByTestId('role').getAttribute('data-role')).toBe('viewer');
        await eventually(async () => (await entries(viewer.page).count()) > 0, 'the timeline');
        expect(await viewer.page.getByTestId('nav-record').count()).toBe(0);
        await viewer.page.goto(`${base}/#/incidents/${ids.assassination}`);
        await viewer.page.getByTestId('incident').waitFor();
        expect(await viewer.page.getByTestId('actions').count()).toBe(0);
        expect(await viewer.page.locator('[data-testid^="action-"]').count()).toBe(0);
        await viewer.page.getByTestId('history-forbidden').waitFor();
        await shot(viewer.page, '12-incident-viewer');
        await viewer.page.goto(`${base}/#/incidents/${ids.assassination}/correct`);
        await viewer.page.getByTestId('form-forbidden').waitFor();
        expect(await viewer.page.getByTestId('correct-form').count()).toBe(0);
        await viewer.page.goto(`${base}/#/incidents/new`);
        await viewer.page.getByTestId('form-forbidden').waitFor();
        expect(await viewer.page.getByTestId('record-form').count()).toBe(0);

        // Forgetting the key asks for one again, and nothing is left in storage.
        await viewer.page.getByTestId('forget-key').click();
        await viewer.page.getByTestId('key-form').waitFor();
        expect(await viewer.page.evaluate(() => [window.sessionStorage.getItem('cit.apiKey'), window.localStorage.getItem('cit.apiKey')])).toEqual([null, null]);
      } finally {
        await viewer.context.close();
      }
    },
    TIMEOUT,
  );

  it(
    'records a confidential source, whose reporter, contact and address a viewer does not see',
    async () => {
      await page.goto(`${base}/#/incidents/new`);
      const form = page.getByTestId('record-form');
      await form.waitFor();
      await form.locator('[name="category"]').selectOption('arrest');
      await form.locator('[name="title.text"]').fill('اعتقال ناشط في بلدة البصيرة');
      await form.locator('[name="occurred.from"]').fill('2020-08-09');
      await form.locator('[name="place.name"]').fill('البصيرة');
      await form.locator('[name="place.precision"]').selectOption('locality');
      await form.locator('[name="sources[0].outlet"]').fill('شبكة محلية');
      await form.locator('[name="sources[0].reporter"]').fill('Abu Khaled');
      await form.locator('[name="sources[0].contact"]').fill('signal:+963-000-0000');
      await form.locator('[name="sources[0].url"]').fill('https://example.org/basira-arrest');
      await form.locator('[name="sources[0].confidential"]').check();
      await page.getByTestId('submit').click();
      const incident = page.getByTestId('incident');
      await incident.waitFor();
      const id = /#\/incidents\/([^/?]+)/.exec(page.url())![1]!;
      const source = page.getByTestId('source').first();
      await source.getByTestId('confidential').waitFor();
      // The key that recorded it (an editor) sees everything, and no withheld note.
      expect(await source.getByTestId('source-reporter').textContent()).toContain('Abu Khaled');
      expect(await source.getByTestId('source-contact').textContent()).toContain('signal:+963-000-0000');
      expect(await source.locator('.source-url').textContent()).toBe('https://example.org/basira-arrest');
      expect(await source.getByTestId('withheld').count()).toBe(0);

      const viewer = await openPage();
      try {
        await signIn(viewer.page, viewerKey, `#/incidents/${id}`);
        const seen = viewer.page.getByTestId('source').first();
        await seen.getByTestId('withheld').waitFor();
        expect(await seen.getByTestId('confidential').count()).toBe(1);
        const withheld = await seen.getByTestId('withheld').textContent();
        for (const field of ['reporter', 'contact', 'address']) expect(withheld).toContain(field);
        const text = (await viewer.page.getByTestId('sources').textContent()) ?? '';
        for (const secret of ['Abu Khaled', 'signal:+963', 'example.org']) expect(text).not.toContain(secret);
        expect(await seen.getByTestId('source-reporter').count()).toBe(0);
        expect(await seen.getByTestId('source-contact').count()).toBe(0);
        expect(await seen.locator('.source-url').count()).toBe(0);
        expect(await viewer.page.content()).not.toContain('Abu Khaled');
      } finally {
        await viewer.context.close();
      }
    },
    TIMEOUT,
  );

  it('made no request to another origin and raised no error in the page', () => {
    expect(problems).toEqual([]);
  });
});
