import { useEffect, useState } from 'preact/hooks';
import { ApiError, can, forgetOnKeyChange, get, query, type Incident, type Source } from '../api.js';
import { formatDay, formatInstant, formatOccurred, formatRange } from '../format.js';
import { useI18n } from '../i18n.js';
import { href, navigate, timelineHref } from '../router.js';
import { UnitName } from '../timeline/timeline-view.js';
import { Card, CategoryChip, ErrorNotice, Flash, Localized, Spinner, StatusBadge, UserText, useLoad, useSession } from '../ui.js';
import { History } from './history.js';

/** A past moment from a datetime-local input (the reader's time zone) as an ISO instant, and back. */
export const toInstant = (local: string) => new Date(local).toISOString();
const toLocalInput = (iso: string) => {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
};

export function IncidentView({ id, params }: { id: string; params: URLSearchParams }) {
  const i18n = useI18n();
  const session = useSession();
  const asOf = params.get('asOf') ?? undefined;
  const version = params.get('version') ?? undefined;
  const past = !!(asOf || version);
  // What was read is kept with what it was read for: while the next incident (or another moment,
  // or version) loads, the previous one is not shown under the new address and its banner.
  const wanted = `${id}|${asOf ?? ''}|${version ?? ''}`;
  const { data: loaded, error, reload } = useLoad(
    async (signal) => ({ for: wanted, incident: await get<Incident>(`/incidents/${id}${query({ asOf, version })}`, signal) }),
    [id, asOf, version],
  );
  const incident = loaded?.for === wanted ? loaded.incident : undefined;
  useEffect(() => window.scrollTo(0, 0), [id]);

  if (error) {
    const tooEarly = error instanceof ApiError && error.status === 404 && past;
    return (
      <div class="page">
        <BackLink />
        {tooEarly ? <p class="notice">{i18n.t('asOfTooEarly')}</p> : error instanceof ApiError && error.status === 404 ? <p class="notice">{i18n.t('notFound')}</p> : <ErrorNotice error={error} onRetry={reload} />}
        {past && <a href={href(`/incidents/${id}`)}>{i18n.t('asOfNow')}</a>}
      </div>
    );
  }
  if (!incident) return <Spinner />;

  const english = incident.translations?.find((translation) => translation.language === i18n.lang || translation.language.startsWith(`${i18n.lang}-`));
  const otherTranslations = incident.translations?.filter((translation) => translation !== english) ?? [];
  const editable = !past && incident.status !== 'retracted';

  return (
    <article class="page incident" data-testid="incident" data-version={incident.version}>
      <BackLink />
      <Flash />
      {past && (
        <div class="notice notice-past" data-testid="past-banner">
          <span>
            {asOf ? i18n.t('asOfBanner', { when: formatInstant(i18n, asOf), version: incident.version }) : i18n.t('versionBanner', { version: incident.version })}{' '}
            {i18n.t('pastNoEdit')}
          </span>
          <a class="button button-small" href={href(`/incidents/${id}`)}>
            {i18n.t('asOfNow')}
          </a>
        </div>
      )}
      <header class="incident-header">
        <div class="incident-tags">
          <CategoryChip category={incident.category} />
          <StatusBadge status={incident.status} />
          <span class="muted">{i18n.t('version', { version: incident.version })}</span>
        </div>
        <Localized value={incident.title} as="h1" class="incident-title" />
        {english?.title && english.title !== incident.title.text && <UserText text={english.title} lang={english.language} as="p" class="incident-subtitle" />}
        <p class="muted small">
          {i18n.t('recordedAt', { when: formatInstant(i18n, incident.recordedAt) })} · {i18n.t('lastChangedAt', { when: formatInstant(i18n, incident.lastChangedAt) })}
        </p>
      </header>

      <div class="toolbar">
        {editable && can(session, 'edit') && (
          <div class="actions" data-testid="actions">
            <a class="button button-primary" href={href(`/incidents/${id}/correct`)} data-testid="action-correct">
              {i18n.t('actionCorrect')}
            </a>
            <a class="button" href={href(`/incidents/${id}/verify`)} data-testid="action-verify">
              {i18n.t('actionVerify')}
            </a>
            <a class="button" href={href(`/incidents/${id}/dispute`)} data-testid="action-dispute">
              {i18n.t('actionDispute')}
            </a>
            <a class="button button-danger" href={href(`/incidents/${id}/retract`)} data-testid="action-retract">
              {i18n.t('actionRetract')}
            </a>
          </div>
        )}
        <AsOfControl id={id} asOf={asOf} recordedAt={incident.recordedAt} />
      </div>

      <div class="incident-grid">
        <div class="incident-col">
          {(incident.summary || english?.summary) && (
            <Card title={i18n.t('sectionSummary')}>
              <Localized value={incident.summary} as="p" class="prose" />
              {english?.summary && <UserText text={english.summary} lang={english.language} as="p" class="prose muted" />}
            </Card>
          )}
          <Card title={i18n.t('sectionWhen')}>
            <p class="fact-main" data-testid="occurred">
              {formatOccurred(i18n, incident.occurred)}
            </p>
            {formatRange(i18n, incident.occurred) && <p class="muted">{formatRange(i18n, incident.occurred)}</p>}
            {incident.occurred.note && <UserText text={incident.occurred.note} as="p" class="note" />}
          </Card>
          <Card title={i18n.t('sectionWhere')}>
            <UserText text={incident.place.name} as="p" class="fact-main" />
            <p class="place-path">
              {[incident.place.admin1, incident.place.admin2, incident.place.admin3].filter(Boolean).map((pcode) => (
                <UnitName key={pcode} pcode={pcode!} />
              ))}
            </p>
            <dl class="facts">
              <dt>{i18n.t('placePrecisionLabel')}</dt>
              <dd>{i18n.code('placePrecision', incident.place.precision)}</dd>
              {incident.place.latitude !== undefined && (
                <>
                  <dt>{i18n.t('coordinates')}</dt>
                  <dd dir="ltr">
                    {incident.place.latitude.toFixed(4)}, {incident.place.longitude?.toFixed(4)}
                  </dd>
                </>
              )}
            </dl>
          </Card>
          <Card title={i18n.t('sectionFatalities')}>
            {incident.fatalities ? (
              <div class="fatalities" data-testid="fatalities">
                <div>
                  <span class="fact-number">{i18n.num(incident.fatalities.best)}</span>
                  <span class="muted">{i18n.t('fieldBest')}</span>
                </div>
                <div>
                  <span class="fact-number muted">
                    {i18n.num(incident.fatalities.low)}–{i18n.num(incident.fatalities.high)}
                  </span>
                  <span class="muted">
                    {i18n.t('fieldLow')}–{i18n.t('fieldHigh')}
                  </span>
                </div>
                {incident.fatalities.byParty?.map((party) => (
                  <div key={party.party}>
                    <span class="fact-number">{i18n.num(party.deaths)}</span>
                    <UserText text={party.party} class="muted" />
                  </div>
                ))}
              </div>
            ) : (
              <p class="muted">{i18n.t('unknown')}</p>
            )}
          </Card>
          {(incident.notes || incident.tags?.length || otherTranslations.length > 0) && (
            <Card title={i18n.t('sectionNotes')}>
              {incident.notes && <UserText text={incident.notes} as="p" class="prose" />}
              {!!incident.tags?.length && (
                <ul class="tags" aria-label={i18n.t('sectionTags')}>
                  {incident.tags.map((tag) => (
                    <li key={tag} class="tag" dir="auto">
                      {tag}
                    </li>
                  ))}
                </ul>
              )}
              {otherTranslations.map((translation) => (
                <div class="translation" key={translation.language}>
                  <span class="lang-code">{translation.language}</span>
                  <UserText text={translation.title} lang={translation.language} as="p" />
                  <UserText text={translation.summary} lang={translation.language} as="p" class="muted" />
                </div>
              ))}
            </Card>
          )}
        </div>
        <div class="incident-col">
          <Card title={i18n.t('sectionActors')}>
            {incident.actors.length === 0 ? (
              <p class="muted">{i18n.t('unknown')}</p>
            ) : (
              <ul class="actor-list" data-testid="actors">
                {incident.actors.map((actor, index) => (
                  <li key={index} class="actor-row">
                    <span class="actor-role">{i18n.code('role', actor.role)}</span>
                    <div class="actor-body">
                      <UserText text={actor.name ?? actor.registryActor?.displayName} class="actor-name" />
                      {actor.registryActor && actor.registryActor.displayName !== actor.name && (
                        <span class="muted small">
                          {i18n.t('registryActor')}: <bdi>{actor.registryActor.displayName}</bdi>
                        </span>
                      )}
                      {!actor.actorId && <span class="muted small">{i18n.t('asReported')}</span>}
                      {actor.affiliation && (
                        <span class="muted small">
                          {i18n.t('affiliation')}: <bdi dir="auto">{actor.affiliation}</bdi>
                        </span>
                      )}
                      {actor.note && <UserText text={actor.note} class="muted small" />}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title={i18n.t('sectionSources')}>
            <ul class="source-list" data-testid="sources">
              {incident.sources.map((source) => (
                <SourceItem key={source.id} source={source} />
              ))}
            </ul>
          </Card>
          {!!incident.related?.length && (
            <Card title={i18n.t('sectionRelated')}>
              <ul class="related-list" data-testid="related">
                {incident.related.map((link) => (
                  <RelatedItem key={`${link.relation}:${link.incidentId}`} incidentId={link.incidentId} relation={link.relation} />
                ))}
              </ul>
            </Card>
          )}
        </div>
      </div>

      <Card title={i18n.t('sectionHistory')} id="history" class="history-card">
        {can(session, 'read_history') ? (
          <History id={id} version={incident.version} viewing={version ? Number(version) : undefined} sources={incident.sources} />
        ) : (
          <p class="muted" data-testid="history-forbidden">
            {i18n.t('historyForbidden')}
          </p>
        )}
      </Card>
    </article>
  );
}

function BackLink() {
  const i18n = useI18n();
  return (
    <a class="back" href={timelineHref()}>
      <span aria-hidden="true" class="back-arrow">
        ←
      </span>{' '}
      {i18n.t('backToTimeline')}
    </a>
  );
}

function AsOfControl({ id, asOf, recordedAt }: { id: string; asOf?: string; recordedAt: string }) {
  const i18n = useI18n();
  const [value, setValue] = useState(asOf ? toLocalInput(asOf) : '');
  useEffect(() => setValue(asOf ? toLocalInput(asOf) : ''), [asOf]);
  return (
    <form
      class="as-of"
      data-testid="as-of"
      onSubmit={(event) => {
        event.preventDefault();
        if (value) navigate(`/incidents/${id}`, { asOf: toInstant(value) });
      }}
    >
      <label for="as-of-input">{i18n.t('asOfLabel')}</label>
      <input id="as-of-input" type="datetime-local" step={1} value={value} min={toLocalInput(recordedAt)} onInput={(event) => setValue(event.currentTarget.value)} />
      <button type="submit" class="button button-small" disabled={!value}>
        {i18n.t('asOfShow')}
      </button>
    </form>
  );
}

function SourceItem({ source }: { source: Source }) {
  const i18n = useI18n();
  const graded = source.reliability || source.credibility;
  return (
    <li class="source" data-testid="source">
      <div class="source-head">
        <UserText text={source.outlet} class="source-outlet" />
        {source.confidential && (
          <span class="status status-disputed" data-testid="confidential">
            {i18n.t('confidential')}
          </span>
        )}
        <span class={`grading${graded ? '' : ' grading-none'}`} title={i18n.t('gradingTitle')} data-testid="grading">
          {graded ? `${source.reliability ?? '–'}${source.credibility ?? '–'}` : i18n.t('notGraded')}
        </span>
      </div>
      {graded && (
        <p class="muted small">
          {[source.reliability && i18n.code('reliability', source.reliability), source.credibility && i18n.code('credibility', source.credibility)].filter(Boolean).join(' · ')}
        </p>
      )}
      <p class="small">
        {[
          source.reporter && (
            <span key="r" data-testid="source-reporter">
              {i18n.t('reporter')}: <bdi dir="auto">{source.reporter}</bdi>
            </span>
          ),
          source.contact && (
            <span key="c" data-testid="source-contact">
              {i18n.t('contact')}: <bdi dir="auto">{source.contact}</bdi>
            </span>
          ),
          source.publishedOn && <span key="p">{i18n.t('publishedOn', { date: formatDay(i18n, source.publishedOn) })}</span>,
          source.access && <span key="a">{i18n.code('access', source.access)}</span>,
          source.language && (
            <span key="l" class="lang-code">
              {source.language}
            </span>
          ),
          source.medium && <span key="m">{source.medium}</span>,
        ]
          .filter(Boolean)
          .map((part, index) => (
            <>
              {index > 0 && <span class="sep"> · </span>}
              {part}
            </>
          ))}
      </p>
      {source.url && (
        <p class="small">
          <a href={source.url} rel="noreferrer noopener" target="_blank" dir="ltr" class="source-url">
            {source.url}
          </a>
        </p>
      )}
      {source.quote && (
        <blockquote class="quote">
          <Localized value={source.quote} as="p" />
          {source.quoteTranslations?.map((translation) => <Localized key={translation.language} value={translation} as="p" class="muted" />)}
        </blockquote>
      )}
      {!!source.withheld?.length && (
        <p class="muted small" data-testid="withheld">
          {i18n.t('withheld', { fields: source.withheld.map((field) => i18n.code('subfield', field)).join(i18n.lang === 'ar' ? '، ' : ', ') })}
        </p>
      )}
    </li>
  );
}

/** Titles of other incidents (related ones), read once per page view. */
const titles = new Map<string, Promise<Incident>>();
forgetOnKeyChange(() => titles.clear());
function relatedIncident(id: string): Promise<Incident> {
  let known = titles.get(id);
  if (!known) {
    known = get<Incident>(`/incidents/${id}`);
    known.catch(() => titles.delete(id));
    titles.set(id, known);
    setTimeout(() => titles.delete(id), 60_000);
  }
  return known;
}
export const incidentTitle = async (id: string) => (await relatedIncident(id)).title;

function RelatedItem({ incidentId, relation }: { incidentId: string; relation: string }) {
  const i18n = useI18n();
  const [title, setTitle] = useState<Incident['title']>();
  const [english, setEnglish] = useState<string>();
  useEffect(() => {
    relatedIncident(incidentId).then(
      (related) => {
        setTitle(related.title);
        setEnglish(related.translations?.find((translation) => translation.language === i18n.lang)?.title);
      },
      () => setTitle(undefined),
    );
  }, [incidentId, i18n.lang]);
  return (
    <li class="related">
      <span class="relation">{i18n.code('relation', relation)}</span>
      <a href={href(`/incidents/${incidentId}`)}>{title ? <Localized value={title} /> : <span class="pcode">{incidentId}</span>}</a>
      {english && english !== title?.text && <UserText text={english} as="p" class="muted small" />}
    </li>
  );
}
