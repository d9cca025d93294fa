import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { can, command, get, type Incident } from '../api.js';
import { naturalEnd } from '../format.js';
import { useI18n, type StringKey } from '../i18n.js';
import { href, navigate } from '../router.js';
import { ErrorNotice, Localized, Spinner, setFlash, useLoad, useSession } from '../ui.js';
import { Form, FormProblem, Input, LanguageList, numberOrText, Select, TextArea, useForm } from './form.js';
import { PlaceFields, TitleFields, WhenFields } from './incident-fields.js';


/** The incident a command form works on, as it stands now (its version goes in If-Match). */
function WithIncident(props: { id: string; children: (incident: Incident, reload: () => void) => ComponentChildren }) {
  const session = useSession();
  const i18n = useI18n();
  const { data, error, reload } = useLoad((signal) => get<Incident>(`/incidents/${props.id}`, signal), [props.id]);
  if (!can(session, 'edit')) return <p class="page notice" data-testid="form-forbidden">{i18n.t('formForbidden')}</p>;
  if (error) return <ErrorNotice error={error} onRetry={reload} />;
  if (!data) return <Spinner />;
  return <>{props.children(data, reload)}</>;
}

function FormPage(props: { incident: Incident; title: StringKey; intro: StringKey; children: ComponentChildren }) {
  const i18n = useI18n();
  return (
    <div class="page form-page">
      <a class="back" href={href(`/incidents/${props.incident.id}`)}>
        <span aria-hidden="true" class="back-arrow">
          ←
        </span>{' '}
        <Localized value={props.incident.title} />
      </a>
      <h1 class="page-title">{i18n.t(props.title)}</h1>
      <p class="muted intro">{i18n.t(props.intro)}</p>
      {props.children}
    </div>
  );
}

const done = (id: string, version: number) => {
  setFlash('recordedToast', { version });
  navigate(`/incidents/${id}`);
};

// ---------------------------------------------------------------------------------------------

export function CorrectForm({ id }: { id: string }) {
  return <WithIncident id={id}>{(incident, reload) => <CorrectFormBody key={incident.version} incident={incident} reload={reload} />}</WithIncident>;
}

/** The form's values from the incident: each field under `changes.`, as the API names it. */
function correctionValues(incident: Incident): Record<string, string> {
  const english = incident.translations?.find((translation) => translation.language === 'en');
  const occurredTo = incident.occurred.to && incident.occurred.to !== naturalEnd(incident.occurred) ? incident.occurred.to : '';
  const place = incident.place;
  return {
    'changes.category': incident.category,
    'changes.title.text': incident.title.text,
    'changes.title.language': incident.title.language,
    'changes.translations': english?.title ?? '',
    'changes.summary.text': incident.summary?.text ?? '',
    'changes.occurred.from': incident.occurred.from,
    'changes.occurred.to': occurredTo,
    'changes.occurred.precision': incident.occurred.precision,
    'changes.occurred.note': incident.occurred.note ?? '',
    'changes.place.name': place.name,
    'changes.place.countryCode': place.countryCode,
    'changes.place.admin1': place.admin1 ?? '',
    'changes.place.admin2': place.admin2 ?? '',
    'changes.place.admin3': place.admin3 ?? '',
    'changes.place.latitude': place.latitude?.toString() ?? '',
    'changes.place.longitude': place.longitude?.toString() ?? '',
    'changes.place.precision': place.precision,
    'changes.tags': (incident.tags ?? []).join(', '),
    'changes.notes': incident.notes ?? '',
    reason: '',
    sourceId: '',
  };
}

const omitEmpty = <T extends Record<string, unknown>>(object: T): T =>
  Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== '')) as T;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const tagList = (text: string) =>
  text
    .split(/[,،]/)
    .map((tag) => tag.trim())
    .filter(Boolean);

/** Only what differs from the incident goes into `changes`; a group (occurred, place) goes whole. */
export function correctionChanges(incident: Incident, v: Record<string, string>): Record<string, unknown> {
  const original = correctionValues(incident);
  const changed = (...paths: string[]) => paths.some((path) => (v[path] ?? '') !== (original[path] ?? ''));
  const changes: Record<string, unknown> = {};
  if (changed('changes.category')) changes.category = v['changes.category'];
  if (changed('changes.title.text', 'changes.title.language')) changes.title = { text: v['changes.title.text'], language: v['changes.title.language'] };
  if (changed('changes.summary.text')) {
    changes.summary = v['changes.summary.text']?.trim() ? { text: v['changes.summary.text'], language: incident.summary?.language ?? incident.title.language } : null;
  }
  if (changed('changes.translations')) {
    const others = (incident.translations ?? []).filter((translation) => translation.language !== 'en');
    const english = incident.translations?.find((translation) => translation.language === 'en');
    const title = v['changes.translations']?.trim();
    changes.translations = title || english?.summary ? [...others, omitEmpty({ ...english, language: 'en', title: title || undefined })] : others;
  }
  if (changed('changes.occurred.from', 'changes.occurred.to', 'changes.occurred.precision', 'changes.occurred.note')) {
    changes.occurred = omitEmpty({
      from: v['changes.occurred.from'],
      to: v['changes.occurred.to'],
      precision: v['changes.occurred.precision'],
      note: v['changes.occurred.note'],
    });
  }
  const placePaths = ['name', 'countryCode', 'admin1', 'admin2', 'admin3', 'latitude', 'longitude', 'precision'].map((name) => `changes.place.${name}`);
  if (changed(...placePaths)) {
    changes.place = omitEmpty({
      name: v['changes.place.name'],
      countryCode: v['changes.place.countryCode'],
      admin1: v['changes.place.admin1'],
      admin2: v['changes.place.admin2'],
      admin3: v['changes.place.admin3'],
      latitude: numberOrText(v['changes.place.latitude']),
      longitude: numberOrText(v['changes.place.longitude']),
      precision: v['changes.place.precision'],
    });
  }
  if (changed('changes.tags') && !same(tagList(v['changes.tags'] ?? ''), incident.tags ?? [])) changes.tags = tagList(v['changes.tags'] ?? '');
  if (changed('changes.notes')) changes.notes = v['changes.notes']?.trim() ? v['changes.notes'] : null;
  return changes;
}

function CorrectFormBody({ incident, reload }: { incident: Incident; reload: () => void }) {
  const i18n = useI18n();
  const form = useForm(correctionValues(incident));
  const v = form.values;
  const [nothing, setNothing] = useState(false);

  const submit = () => {
    const changes = correctionChanges(incident, v);
    setNothing(Object.keys(changes).length === 0);
    if (!Object.keys(changes).length) return;
    return form.submit(async () => {
      const body = { changes, reason: v.reason ?? '', ...(v.sourceId ? { sourceId: v.sourceId } : {}) };
      const result = await command(`/incidents/${incident.id}/corrections`, body, incident.version);
      done(incident.id, result.version);
    });
  };

  return (
    <FormPage incident={incident} title="formCorrectTitle" intro="formCorrectIntro">
      <Form state={form.state} onSubmit={submit} testId="correct-form">
        <FormProblem problem={form.problem} unplaced={form.unplaced} onReload={reload} />
        {nothing && (
          <div class="notice" role="alert">
            {i18n.t('formNothingChanged')}
          </div>
        )}
        <LanguageList />
        <TitleFields prefix="changes." />
        <WhenFields prefix="changes." />
        <PlaceFields prefix="changes." />
        <fieldset class="form-section">
          <legend>{i18n.t('sectionNotes')}</legend>
          <Input path="changes.tags" label={i18n.t('fieldTags')} />
          <TextArea path="changes.notes" label={i18n.t('fieldNotes')} />
        </fieldset>
        <fieldset class="form-section form-section-why">
          <legend>{i18n.t('formWhy')}</legend>
          <TextArea path="reason" label={i18n.t('formReason')} hint={i18n.t('formReasonHint')} rows={2} />
          <Select
            path="sourceId"
            label={i18n.t('formSourceFor')}
            empty={i18n.t('formSourceNone')}
            options={incident.sources.map((source) => ({ value: source.id, label: `${source.outlet}${source.publishedOn ? ` · ${source.publishedOn}` : ''}` }))}
          />
        </fieldset>
        <FormButtons saving={form.saving} submit="formSubmitCorrect" cancel={href(`/incidents/${incident.id}`)} />
      </Form>
    </FormPage>
  );
}

function FormButtons(props: { saving: boolean; submit: StringKey; cancel: string; danger?: boolean }) {
  const i18n = useI18n();
  return (
    <div class="form-actions">
      <button type="submit" class={`button ${props.danger ? 'button-danger-solid' : 'button-primary'}`} disabled={props.saving} data-testid="submit">
        {props.saving ? i18n.t('formSaving') : i18n.t(props.submit)}
      </button>
      <a class="button button-quiet" href={props.cancel}>
        {i18n.t('formCancel')}
      </a>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------

export function VerifyForm({ id }: { id: string }) {
  return <WithIncident id={id}>{(incident, reload) => <VerifyFormBody key={incident.version} incident={incident} reload={reload} />}</WithIncident>;
}

function VerifyFormBody({ incident, reload }: { incident: Incident; reload: () => void }) {
  const i18n = useI18n();
  const form = useForm({ note: '', sourceIds: '' });
  const [chosen, setChosen] = useState(new Set(incident.sources.map((source) => source.id)));
  const submit = () =>
    form.submit(async () => {
      const all = chosen.size === incident.sources.length;
      const body = omitEmpty({ note: form.values.note, sourceIds: all ? undefined : [...chosen] });
      const result = await command(`/incidents/${incident.id}/verification`, body, incident.version);
      done(incident.id, result.version);
    });
  return (
    <FormPage incident={incident} title="formVerifyTitle" intro="formVerifyIntro">
      <Form state={form.state} onSubmit={submit} testId="verify-form">
        <FormProblem problem={form.problem} unplaced={form.unplaced} onReload={reload} />
        <fieldset class="form-section" data-field="sourceIds">
          <legend>{i18n.t('formVerifySources')}</legend>
          {incident.sources.map((source) => (
            <label class="check" key={source.id}>
              <input
                type="checkbox"
                checked={chosen.has(source.id)}
                onChange={(event) => {
                  const next = new Set(chosen);
                  if (event.currentTarget.checked) next.add(source.id);
                  else next.delete(source.id);
                  setChosen(next);
                }}
              />
              <span>
                <bdi dir="auto">{source.outlet}</bdi>
                {source.publishedOn && <span class="muted"> · {source.publishedOn}</span>}
              </span>
            </label>
          ))}
          {form.state.errors.sourceIds && <p class="field-error">{form.state.errors.sourceIds.join(' ')}</p>}
        </fieldset>
        <TextArea path="note" label={i18n.t('formNote')} rows={2} />
        <FormButtons saving={form.saving} submit="formSubmitVerify" cancel={href(`/incidents/${incident.id}`)} />
      </Form>
    </FormPage>
  );
}

// ---------------------------------------------------------------------------------------------

export function ReasonForm({ id, action }: { id: string; action: 'dispute' | 'retract' }) {
  return <WithIncident id={id}>{(incident, reload) => <ReasonFormBody key={incident.version} incident={incident} reload={reload} action={action} />}</WithIncident>;
}

function ReasonFormBody({ incident, reload, action }: { incident: Incident; reload: () => void; action: 'dispute' | 'retract' }) {
  const i18n = useI18n();
  const form = useForm({ reason: '' });
  const path = action === 'dispute' ? 'dispute' : 'retraction';
  const submit = () =>
    form.submit(async () => {
      const result = await command(`/incidents/${incident.id}/${path}`, { reason: form.values.reason }, incident.version);
      done(incident.id, result.version);
    });
  return (
    <FormPage incident={incident} title={action === 'dispute' ? 'formDisputeTitle' : 'formRetractTitle'} intro={action === 'dispute' ? 'formDisputeIntro' : 'formRetractIntro'}>
      <Form state={form.state} onSubmit={submit} testId={`${action}-form`}>
        <FormProblem problem={form.problem} unplaced={form.unplaced} onReload={reload} />
        <TextArea path="reason" label={i18n.t('formReason')} hint={i18n.t('formReasonHint')} />
        <FormButtons saving={form.saving} submit={action === 'dispute' ? 'formSubmitDispute' : 'formSubmitRetract'} cancel={href(`/incidents/${incident.id}`)} danger={action === 'retract'} />
      </Form>
    </FormPage>
  );
}
