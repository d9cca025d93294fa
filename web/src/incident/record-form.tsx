import { useMemo, useRef, useState } from 'preact/hooks';
import { ACTOR_ROLES, SOURCE_ACCESS, SOURCE_CREDIBILITY, SOURCE_RELIABILITY } from '../../../src/incidents/domain/incident.types.js';
import { can, command, place } from '../api.js';
import { useI18n } from '../i18n.js';
import { href, navigate } from '../router.js';
import { RegionPicker } from '../timeline/filters.js';
import { setFlash, useSession } from '../ui.js';
import { Checkbox, Form, FormProblem, Input, LanguageList, numberOrText, Select, TextArea, useForm } from './form.js';
import { PlaceFields, TitleFields, WhenFields } from './incident-fields.js';

const CREDIBILITY = SOURCE_CREDIBILITY.map(String);

const INITIAL: Record<string, string> = {
  category: '',
  'title.text': '',
  'title.language': 'ar',
  translations: '',
  'summary.text': '',
  'occurred.from': '',
  'occurred.to': '',
  'occurred.precision': 'day',
  'occurred.note': '',
  'place.name': '',
  'place.countryCode': 'SY',
  'place.admin1': '',
  'place.admin2': '',
  'place.admin3': '',
  'place.latitude': '',
  'place.longitude': '',
  'place.precision': '',
  'fatalities.low': '',
  'fatalities.best': '',
  'fatalities.high': '',
  'sources[0].outlet': '',
  'sources[0].reporter': '',
  'sources[0].contact': '',
  'sources[0].confidential': '',
  'sources[0].url': '',
  'sources[0].publishedOn': '',
  'sources[0].language': 'ar',
  'sources[0].access': 'relayed',
  'sources[0].reliability': '',
  'sources[0].credibility': '',
  tags: '',
  notes: '',
};

const actorFields = (index: number) => ({ [`actors[${index}].name`]: '', [`actors[${index}].role`]: '', [`actors[${index}].affiliation`]: '' });

/** POST /incidents, from a form named by the API's paths (sources[0].outlet, actors[1].role…). */
export function RecordForm() {
  const i18n = useI18n();
  const session = useSession();
  const [actors, setActors] = useState(1);
  const form = useForm({ ...INITIAL, ...actorFields(0) });
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);
  const [region, setRegion] = useState<string>();
  const picked = useRef(0);
  const v = form.values;

  if (!can(session, 'record')) return <p class="page notice" data-testid="form-forbidden">{i18n.t('formForbidden')}</p>;

  const pickRegion = async (pcode: string | undefined) => {
    setRegion(pcode);
    const round = ++picked.current;
    const levels = { 'place.admin1': '', 'place.admin2': '', 'place.admin3': '' } as Record<string, string>;
    if (pcode) {
      try {
        const unit = await place(pcode);
        for (const level of [...unit.parents, unit]) if (level.level >= 1 && level.level <= 3) levels[`place.admin${level.level}`] = level.pcode;
        levels['place.countryCode'] = unit.countryCode;
      } catch (failure) {
        // The p-codes stay as they were (they can be typed); say why they were not filled.
        if (round === picked.current) form.setProblem({ status: 0, detail: String((failure as Error)?.message ?? failure) });
        return;
      }
    }
    // Only the latest pick fills the p-codes (an earlier, slower answer does not overwrite it).
    if (round !== picked.current) return;
    form.setValues((previous) => ({ ...previous, ...levels }));
  };

  const removeActor = (index: number) => {
    form.setValues((previous) => {
      const next = { ...previous };
      for (let i = index; i < actors - 1; i++) for (const name of ['name', 'role', 'affiliation']) next[`actors[${i}].${name}`] = previous[`actors[${i + 1}].${name}`] ?? '';
      for (const name of ['name', 'role', 'affiliation']) delete next[`actors[${actors - 1}].${name}`];
      return next;
    });
    setActors(actors - 1);
  };

  const submit = () =>
    form.submit(async () => {
      const text = (path: string) => v[path]?.trim() || undefined;
      const fatalities = ['low', 'best', 'high'].some((name) => text(`fatalities.${name}`))
        ? { low: numberOrText(v['fatalities.low']), best: numberOrText(v['fatalities.best']), high: numberOrText(v['fatalities.high']) }
        : undefined;
      const body = clean({
        category: text('category'),
        title: { text: v['title.text'] ?? '', language: text('title.language') },
        summary: text('summary.text') ? { text: v['summary.text'], language: text('title.language') } : undefined,
        translations: text('translations') ? [{ language: 'en', title: text('translations') }] : undefined,
        occurred: { from: text('occurred.from'), to: text('occurred.to'), precision: text('occurred.precision'), note: text('occurred.note') },
        place: {
          name: v['place.name'] ?? '',
          countryCode: text('place.countryCode'),
          admin1: text('place.admin1'),
          admin2: text('place.admin2'),
          admin3: text('place.admin3'),
          latitude: numberOrText(v['place.latitude']),
          longitude: numberOrText(v['place.longitude']),
          precision: text('place.precision'),
        },
        actors: Array.from({ length: actors }, (_, index) => ({
          name: text(`actors[${index}].name`),
          role: text(`actors[${index}].role`),
          affiliation: text(`actors[${index}].affiliation`),
        })).filter((actor) => actor.name || actor.role || actor.affiliation),
        fatalities,
        sources: [
          {
            outlet: v['sources[0].outlet'] ?? '',
            reporter: text('sources[0].reporter'),
            contact: text('sources[0].contact'),
            confidential: v['sources[0].confidential'] === 'true' ? true : undefined,
            url: text('sources[0].url'),
            publishedOn: text('sources[0].publishedOn'),
            language: text('sources[0].language'),
            access: text('sources[0].access'),
            reliability: text('sources[0].reliability'),
            credibility: numberOrText(v['sources[0].credibility']),
          },
        ],
        tags: text('tags')
          ?.split(/[,،]/)
          .map((tag) => tag.trim())
          .filter(Boolean),
        notes: text('notes'),
      });
      const result = await command('/incidents', body, undefined, { 'Idempotency-Key': idempotencyKey });
      setFlash('recordedToast', { version: result.version });
      navigate(`/incidents/${result.id}`);
    });

  const roleOptions = ACTOR_ROLES.map((value) => ({ value, label: i18n.code('role', value) }));
  return (
    <div class="page form-page">
      <h1 class="page-title">{i18n.t('formRecordTitle')}</h1>
      <p class="muted intro">{i18n.t('formRecordIntro')}</p>
      <Form state={form.state} onSubmit={submit} testId="record-form">
        <FormProblem problem={form.problem} unplaced={form.unplaced} />
        <LanguageList />
        <TitleFields prefix="" choose={i18n.t('fieldChoose')} />
        <WhenFields prefix="" />
        <PlaceFields prefix="" choose={i18n.t('fieldChoose')}>
          <RegionPicker value={region} onChange={(pcode) => void pickRegion(pcode)} idPrefix="record-region" />
        </PlaceFields>
        <fieldset class="form-section">
          <legend>{i18n.t('fieldActors')}</legend>
          {Array.from({ length: actors }, (_, index) => (
            <div class="actor-fields" key={index}>
              <Input path={`actors[${index}].name`} label={i18n.t('fieldActorName')} />
              <Select path={`actors[${index}].role`} label={i18n.t('fieldActorRole')} empty={i18n.t('fieldChoose')} options={roleOptions} />
              <Input path={`actors[${index}].affiliation`} label={i18n.t('affiliation')} />
              <button type="button" class="button button-quiet button-small remove" onClick={() => removeActor(index)} aria-label={i18n.t('fieldRemove')}>
                {i18n.t('fieldRemove')}
              </button>
            </div>
          ))}
          <button
            type="button"
            class="button button-small"
            onClick={() => {
              form.setValues((previous) => ({ ...previous, ...actorFields(actors) }));
              setActors(actors + 1);
            }}
          >
            + {i18n.t('fieldAddActor')}
          </button>
        </fieldset>
        <fieldset class="form-section">
          <legend>{i18n.t('fieldFatalities')}</legend>
          <div class="grid-3">
            <Input path="fatalities.low" label={i18n.t('fieldLow')} dir="ltr" inputMode="numeric" />
            <Input path="fatalities.best" label={i18n.t('fieldBest')} dir="ltr" inputMode="numeric" />
            <Input path="fatalities.high" label={i18n.t('fieldHigh')} dir="ltr" inputMode="numeric" />
          </div>
        </fieldset>
        <fieldset class="form-section">
          <legend>{i18n.t('fieldSource')}</legend>
          <div class="grid-2">
            <Input path="sources[0].outlet" label={i18n.t('fieldOutlet')} />
            <Input path="sources[0].reporter" label={i18n.t('fieldReporter')} />
          </div>
          <Input path="sources[0].contact" label={i18n.t('fieldContact')} dir="auto" />
          <Input path="sources[0].url" label={i18n.t('fieldUrl')} dir="ltr" type="url" />
          <div class="grid-3">
            <Input path="sources[0].publishedOn" label={i18n.t('fieldPublishedOn')} type="date" dir="ltr" />
            <Input path="sources[0].language" label={i18n.t('fieldLanguage')} dir="ltr" list="languages" />
            <Select path="sources[0].access" label={i18n.t('fieldAccess')} options={SOURCE_ACCESS.map((value) => ({ value, label: i18n.code('access', value) }))} />
          </div>
          <div class="grid-2">
            <Select path="sources[0].reliability" label={i18n.t('fieldReliability')} empty={i18n.t('fieldNotGraded')} options={SOURCE_RELIABILITY.map((value) => ({ value, label: i18n.code('reliability', value) }))} />
            <Select path="sources[0].credibility" label={i18n.t('fieldCredibility')} empty={i18n.t('fieldNotGraded')} options={CREDIBILITY.map((value) => ({ value, label: i18n.code('credibility', value) }))} />
          </div>
          <Checkbox path="sources[0].confidential" label={i18n.t('fieldConfidential')} hint={i18n.t('fieldConfidentialHint')} />
        </fieldset>
        <fieldset class="form-section">
          <legend>{i18n.t('sectionNotes')}</legend>
          <Input path="tags" label={i18n.t('fieldTags')} />
          <TextArea path="notes" label={i18n.t('fieldNotes')} />
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={form.saving} data-testid="submit">
            {form.saving ? i18n.t('formSaving') : i18n.t('formSubmitRecord')}
          </button>
          <a class="button button-quiet" href={href('/timeline')}>
            {i18n.t('formCancel')}
          </a>
        </div>
      </Form>
    </div>
  );
}

/** Without the keys whose value is undefined, at any depth (JSON.stringify drops them anyway; this keeps bodies readable). */
function clean<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clean) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined).map(([name, item]) => [name, clean(item)])) as T;
  }
  return value;
}
