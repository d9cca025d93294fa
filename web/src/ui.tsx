import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { CATEGORY_TAXONOMY, type IncidentCategory } from '../../src/incidents/domain/taxonomy.js';
import { ApiError, forgetOnKeyChange, type LocalizedText, type Session } from './api.js';
import { useI18n, type StringKey } from './i18n.js';

export const SessionContext = createContext<Session | null>(null);
export const useSession = () => useContext(SessionContext);

/** Violent, verbal or other: the category's kind in the service's taxonomy, which colours it. */
export function categoryKind(category: string): 'violent' | 'verbal' | 'other' {
  return CATEGORY_TAXONOMY[category as IncidentCategory]?.kind ?? 'other';
}

export const CATEGORY_LABELS: Record<string, string> = Object.fromEntries(
  Object.entries(CATEGORY_TAXONOMY).map(([code, definition]) => [code, definition.label]),
);

/**
 * Text a person wrote (titles, names, places, quotes): its direction follows its own first strong
 * character (dir="auto"), so Arabic reads right to left inside an English page and the reverse.
 */
export function UserText(props: { text: string | undefined; lang?: string; as?: 'span' | 'p' | 'div' | 'h1' | 'h2' | 'bdi'; class?: string }) {
  const Tag = props.as ?? 'span';
  if (!props.text) return null;
  return (
    <Tag dir="auto" lang={props.lang} class={props.class}>
      {props.text}
    </Tag>
  );
}

export const Localized = (props: { value: LocalizedText | undefined; as?: 'span' | 'p' | 'div' | 'h1' | 'h2'; class?: string }) =>
  props.value ? <UserText text={props.value.text} lang={props.value.language} as={props.as} class={props.class} /> : null;

export function CategoryChip({ category }: { category: string }) {
  const { code } = useI18n();
  return (
    <span class={`category category-${categoryKind(category)}`} data-category={category}>
      <span class="category-dot" aria-hidden="true" />
      {code('category', category)}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { code } = useI18n();
  return (
    <span class={`status status-${status}`} data-status={status}>
      {code('status', status)}
    </span>
  );
}

/** A problem from the API, said plainly. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const i18n = useI18n();
  if (!error) return null;
  let message: string;
  if (error instanceof ApiError) {
    if (error.status === 403) message = i18n.t('errorForbidden', { role: i18n.code('userRole', error.problem.role ?? '') });
    else if (error.status === 429) message = i18n.t('errorRateLimited');
    else if (error.status === 0) message = i18n.t('keyServerDown');
    else message = error.problem.detail ?? error.problem.title ?? error.message;
  } else {
    message = i18n.t('errorGeneric', { detail: String((error as Error)?.message ?? error) });
  }
  return (
    <div class="notice notice-error" role="alert">
      <span>{message}</span>
      {onRetry && (
        <button type="button" class="button button-small" onClick={onRetry}>
          {i18n.t('retry')}
        </button>
      )}
    </div>
  );
}

export function Spinner({ label }: { label?: string }) {
  const i18n = useI18n();
  return (
    <div class="loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label ?? i18n.t('loading')}
    </div>
  );
}

export function Card(props: { title?: ComponentChildren; actions?: ComponentChildren; class?: string; children: ComponentChildren; id?: string }) {
  return (
    <section class={`card ${props.class ?? ''}`} id={props.id}>
      {(props.title || props.actions) && (
        <header class="card-header">
          {props.title && <h2 class="card-title">{props.title}</h2>}
          {props.actions && <div class="card-actions">{props.actions}</div>}
        </header>
      )}
      {props.children}
    </section>
  );
}

/** Loads something when its inputs change; the answer of a request that was overtaken is ignored. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, inputs: unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true, error: undefined }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, error: undefined, loading: false }),
      (error) => !controller.signal.aborted && setState({ data: undefined, error, loading: false }),
    );
    return () => controller.abort();
  }, [...inputs, round]);
  return { ...state, reload: () => setRound((value) => value + 1) };
}

/** A message for the page a form goes to (the incident it changed), shown while the address stays. */
type FlashMessage = { key: StringKey; values?: Record<string, string | number>; hash?: string };
let flash: FlashMessage | undefined;
forgetOnKeyChange(() => (flash = undefined));
export const setFlash = (key: StringKey, values?: Record<string, string | number>) => (flash = { key, values });
export function Flash() {
  const i18n = useI18n();
  const [message] = useState(() => {
    const taken = flash;
    flash = undefined;
    return taken;
  });
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  const [firstHash] = useState(location.hash);
  if (!message || hash !== firstHash) return null;
  return (
    <div class="notice notice-success" role="status" data-testid="flash">
      {i18n.t(message.key, message.values)}
    </div>
  );
}
