import type { ComponentChildren } from 'preact';
import { get, type HistoryEvent } from '../api.js';
import { formatDay, formatInstant, formatOccurred } from '../format.js';
import { useI18n, type I18n } from '../i18n.js';
import { href } from '../router.js';
import { ErrorNotice, Localized, Spinner, UserText, useLoad } from '../ui.js';
import { incidentTitle } from './incident-view.js';
import { useEffect, useState } from 'preact/hooks';
import type { LocalizedText } from '../api.js';

function IncidentTitle({ id }: { id: string }) {
  const [title, setTitle] = useState<LocalizedText>();
  useEffect(() => {
    incidentTitle(id).then(setTitle, () => setTitle(undefined));
  }, [id]);
  return <a href={href(`/incidents/${id}`)}>{title ? <Localized value={title} /> : <span class="pcode">{id.slice(0, 8)}</span>}</a>;
}

/**
 * GET /incidents/:id/history as a readable diff: newest first, each event with who recorded it,
 * when, why and on what source, and each field it changed as before → after.
 */
export function History({ id, version, viewing, sources = [] }: { id: string; version: number; viewing?: number; sources?: { id: string; outlet: string }[] }) {
  const outlets = new Map(sources.map((source) => [source.id, source.outlet]));
  const i18n = useI18n();
  const { data, error, reload } = useLoad((signal) => get<{ events: HistoryEvent[] }>(`/incidents/${id}/history`, signal), [id, version]);
  if (error) return <ErrorNotice error={error} onRetry={reload} />;
  if (!data) return <Spinner />;
  const events = [...data.events].reverse();
  return (
    <ol class="history" data-testid="history">
      {events.map((event) => (
        <HistoryItem key={event.position} event={event} id={id} viewing={viewing === event.version} i18n={i18n} outlets={outlets} />
      ))}
    </ol>
  );
}

function HistoryItem({ event, id, viewing, i18n, outlets }: { event: HistoryEvent; id: string; viewing: boolean; i18n: I18n; outlets: Map<string, string> }) {
  const recorded = event.type === 'incident.recorded';
  const note = typeof event.data?.note === 'string' ? (event.data.note as string) : undefined;
  const changes = recorded ? event.changes.filter((change) => change.path !== 'id') : event.changes;
  return (
    <li class={`history-item history-${event.type.replace('incident.', '')}${viewing ? ' viewing' : ''}`} data-testid="history-item" data-type={event.type} data-version={event.version}>
      <div class="history-marker" aria-hidden="true" />
      <div class="history-body">
        <div class="history-head">
          <span class="event-type">{i18n.code('event', event.type)}</span>
          <span class="version-pill">v{event.version}</span>
          {event.by && (
            <span class="history-by" data-testid="history-by">
              {i18n.t('historyBy', { name: '' })}
              <bdi>{event.by}</bdi>
            </span>
          )}
          <time dateTime={event.recordedAt} class="muted">
            {formatInstant(i18n, event.recordedAt)}
          </time>
        </div>
        {event.reason && (
          <p class="history-reason" data-testid="history-reason">
            <span class="label-inline">{i18n.t('historyReason')}</span> <UserText text={event.reason} as="bdi" />
          </p>
        )}
        {note && !event.reason && (
          <p class="history-reason">
            <span class="label-inline">{i18n.t('formNote')}</span> <UserText text={note} as="bdi" />
          </p>
        )}
        {event.source?.outlet && (
          <p class="history-source">
            <span class="label-inline">{i18n.t('historySource')}</span> <UserText text={event.source.outlet} as="bdi" />
            {event.source.publishedOn && <span class="muted"> · {formatDay(i18n, event.source.publishedOn)}</span>}
          </p>
        )}
        {recorded ? (
          <details class="history-details">
            <summary>{i18n.plural('fieldsSet', changes.length)}</summary>
            <Diff changes={changes} i18n={i18n} outlets={outlets} />
          </details>
        ) : changes.length ? (
          <Diff changes={changes} i18n={i18n} outlets={outlets} />
        ) : (
          <p class="muted small">{i18n.t('historyNoChange')}</p>
        )}
        <a class="small history-version-link" href={href(`/incidents/${id}`, { version: event.version })}>
          {i18n.t('historyViewVersion')}
        </a>
      </div>
    </li>
  );
}

function Diff({ changes, i18n, outlets }: { changes: HistoryEvent['changes']; i18n: I18n; outlets: Map<string, string> }) {
  return (
    <table class="diff" data-testid="diff">
      <tbody>
        {changes.map((change) => (
          <tr key={change.path} data-path={change.path}>
            <th scope="row">{pathLabel(i18n, change.path)}</th>
            <td class="diff-before">{'before' in change && change.before !== undefined ? <del>{formatValue(i18n, change.path, change.before, outlets)}</del> : <span class="diff-none">—</span>}</td>
            <td class="diff-arrow" aria-hidden="true">
              →
            </td>
            <td class="diff-after">{'after' in change && change.after !== undefined ? <ins>{formatValue(i18n, change.path, change.after, outlets)}</ins> : <span class="diff-none">{i18n.t('removed')}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "occurred.from" → "When › from"; "actors[2]" → "Actors 3". */
export function pathLabel(i18n: I18n, path: string): string {
  return path
    .split('.')
    .map((segment, index) => {
      const match = /^([^[]+)(?:\[(\d+)\])?$/.exec(segment);
      const name = match?.[1] ?? segment;
      const position = match?.[2] !== undefined ? ` ${Number(match[2]) + 1}` : '';
      return (index === 0 ? i18n.code('field', name) : i18n.code('subfield', name)) + position;
    })
    .join(' › ');
}

/** A value of the incident, written for people: dates as dates, codes as labels, names as written. */
function formatValue(i18n: I18n, path: string, value: unknown, outlets: Map<string, string>): ComponentChildren {
  const field = path.replace(/\[\d+\]/g, '');
  const last = field.split('.').pop()!;
  if (value === null) return i18n.t('none');
  if (typeof value === 'string') {
    if (field === 'category') return i18n.code('category', value);
    if (field === 'status') return i18n.code('status', value);
    if (last === 'precision') return i18n.code(field.startsWith('place') ? 'placePrecision' : 'precision', value);
    if (last === 'role') return i18n.code('role', value);
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDay(i18n, value);
    if ((last === 'sourceIds' || last === 'sourceId') && outlets.has(value)) return <bdi dir="auto">{outlets.get(value)}</bdi>;
    return <bdi dir="auto">{value}</bdi>;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (!value.length) return i18n.t('none');
    if (value.every((item) => item === null || typeof item !== 'object'))
      return value.map((item, index) => (
        <span key={index}>
          {index > 0 && ', '}
          {formatValue(i18n, `${path}[${index}]`, item, outlets)}
        </span>
      ));
    return (
      <ul class="diff-list">
        {value.map((item, index) => (
          <li key={index}>{formatValue(i18n, `${path}[${index}]`, item, outlets)}</li>
        ))}
      </ul>
    );
  }
  if (typeof value === 'object') {
    const object = value as Record<string, any>;
    if (field === 'occurred' && object.from) return formatOccurred(i18n, object as never);
    if (field === 'title' || field === 'summary' || 'text' in object) return <bdi dir="auto">{object.text}</bdi>;
    if (field === 'place' && object.name)
      return (
        <>
          <bdi dir="auto">{object.name}</bdi> <span class="pcode">{[object.admin1, object.admin2, object.admin3].filter(Boolean).pop() ?? object.countryCode}</span>
        </>
      );
    if (field === 'actors' && object.role)
      return (
        <>
          {i18n.code('role', object.role)}: <bdi dir="auto">{object.name ?? object.actorId}</bdi>
        </>
      );
    if (field === 'fatalities' && 'best' in object) return `${object.best} (${object.low}–${object.high})`;
    if (field === 'related' && object.incidentId)
      return (
        <>
          {i18n.code('relation', object.relation)}: <IncidentTitle id={String(object.incidentId)} />
        </>
      );
    if (field === 'sources' && object.outlet) return <bdi dir="auto">{object.outlet}</bdi>;
    if (field === 'translations' && object.language)
      return (
        <>
          <span class="lang-code">{object.language}</span> <bdi dir="auto">{object.title ?? object.summary}</bdi>
        </>
      );
    const entries = Object.entries(object).filter(([name]) => name !== 'resolution');
    return (
      <span class="diff-object">
        {entries.map(([name, item]) => (
          <span key={name} class="diff-entry">
            {i18n.code('subfield', name)}: {formatValue(i18n, `${path}.${name}`, item, outlets)}
          </span>
        ))}
      </span>
    );
  }
  return String(value);
}
