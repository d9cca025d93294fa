import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useContext, useState } from 'preact/hooks';
import { ApiError, type Problem } from '../api.js';
import { useI18n } from '../i18n.js';

/**
 * A form whose fields are named by the API's paths ("changes.place.latitude", "sources[0].outlet"),
 * so the 400 problem's `errors` land next to the fields they name, with the API's own words.
 */
export interface FormState {
  values: Record<string, string>;
  set(path: string, value: string): void;
  errors: Record<string, string[]>;
}

const FormContext = createContext<FormState>({ values: {}, set: () => {}, errors: {} });

export function useForm(initial: Record<string, string>) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [unplaced, setUnplaced] = useState<{ path: string; message: string }[]>([]);
  const [saving, setSaving] = useState(false);

  const state: FormState = {
    values,
    errors,
    set: (path, value) => {
      setValues((previous) => ({ ...previous, [path]: value }));
      if (errors[path]) setErrors(({ [path]: _, ...rest }) => rest);
    },
  };

  /** Sends the form; a refusal is shown (at the fields it names, or above the form). */
  const submit = async (send: () => Promise<void>) => {
    setSaving(true);
    setProblem(null);
    setErrors({});
    setUnplaced([]);
    try {
      await send();
    } catch (error) {
      if (!(error instanceof ApiError)) {
        setProblem({ status: 0, detail: String((error as Error)?.message ?? error) });
        return;
      }
      setProblem(error.problem);
      const placed: Record<string, string[]> = {};
      const rest: { path: string; message: string }[] = [];
      for (const fieldError of error.problem.errors ?? []) {
        const path = fieldFor(Object.keys(values), fieldError.path);
        if (path) (placed[path] ??= []).push(fieldError.message);
        else rest.push(fieldError);
      }
      setErrors(placed);
      setUnplaced(rest);
      // Bring the first bad field into view.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('.field.has-error input, .field.has-error select, .field.has-error textarea, .form-problem')?.focus());
    } finally {
      setSaving(false);
    }
  };

  return { state, values, setValues, problem, setProblem, unplaced, saving, submit };
}

/** The field an error's path names: itself, the first field inside it, or the nearest field around it. */
export function fieldFor(fields: string[], path: string): string | undefined {
  if (fields.includes(path)) return path;
  const inside = fields.find((field) => field.startsWith(`${path}.`) || field.startsWith(`${path}[`));
  if (inside) return inside;
  return fields.filter((field) => path.startsWith(`${field}.`) || path.startsWith(`${field}[`)).sort((a, b) => b.length - a.length)[0];
}

export function Form(props: { state: FormState; onSubmit: () => void; children: ComponentChildren; testId?: string }) {
  return (
    <FormContext.Provider value={props.state}>
      <form
        class="form"
        data-testid={props.testId}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          props.onSubmit();
        }}
      >
        {props.children}
      </form>
    </FormContext.Provider>
  );
}

export const fieldId = (path: string) => `field-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;

interface FieldProps {
  path: string;
  label: string;
  hint?: string;
  class?: string;
}

function FieldShell(props: FieldProps & { children: ComponentChildren }) {
  const { errors } = useContext(FormContext);
  const messages = errors[props.path];
  const id = fieldId(props.path);
  return (
    <div class={`field${messages ? ' has-error' : ''} ${props.class ?? ''}`} data-field={props.path}>
      <label for={id}>{props.label}</label>
      {props.children}
      {props.hint && !messages && <small class="hint">{props.hint}</small>}
      {messages && (
        <p class="field-error" id={`${id}-error`} data-testid="field-error" data-path={props.path}>
          <span dir="auto">{messages.join(' ')}</span>
        </p>
      )}
    </div>
  );
}

export function Input(props: FieldProps & { type?: 'text' | 'date' | 'url' | 'search'; dir?: 'auto' | 'ltr' | 'rtl'; inputMode?: string; placeholder?: string; list?: string; autoFocus?: boolean }) {
  const { values, set, errors } = useContext(FormContext);
  const id = fieldId(props.path);
  return (
    <FieldShell {...props}>
      <input
        id={id}
        name={props.path}
        type={props.type ?? 'text'}
        dir={props.dir ?? 'auto'}
        inputMode={props.inputMode as never}
        placeholder={props.placeholder}
        list={props.list}
        autoFocus={props.autoFocus}
        value={values[props.path] ?? ''}
        aria-invalid={errors[props.path] ? 'true' : undefined}
        aria-describedby={errors[props.path] ? `${id}-error` : undefined}
        onInput={(event) => set(props.path, event.currentTarget.value)}
      />
    </FieldShell>
  );
}

/** A yes/no field, kept in the form's values as 'true' or ''. */
export function Checkbox(props: FieldProps) {
  const { values, set, errors } = useContext(FormContext);
  const id = fieldId(props.path);
  const messages = errors[props.path];
  return (
    <div class={`field${messages ? ' has-error' : ''} ${props.class ?? ''}`} data-field={props.path}>
      <label class="check" for={id}>
        <input
          id={id}
          name={props.path}
          type="checkbox"
          checked={values[props.path] === 'true'}
          aria-invalid={messages ? 'true' : undefined}
          aria-describedby={messages ? `${id}-error` : undefined}
          onChange={(event) => set(props.path, event.currentTarget.checked ? 'true' : '')}
        />
        <span>
          {props.label}
          {props.hint && <small class="muted block">{props.hint}</small>}
        </span>
      </label>
      {messages && (
        <p class="field-error" id={`${id}-error`} data-testid="field-error" data-path={props.path}>
          <span dir="auto">{messages.join(' ')}</span>
        </p>
      )}
    </div>
  );
}

export function TextArea(props: FieldProps & { rows?: number }) {
  const { values, set, errors } = useContext(FormContext);
  const id = fieldId(props.path);
  return (
    <FieldShell {...props}>
      <textarea
        id={id}
        name={props.path}
        dir="auto"
        rows={props.rows ?? 3}
        value={values[props.path] ?? ''}
        aria-invalid={errors[props.path] ? 'true' : undefined}
        aria-describedby={errors[props.path] ? `${id}-error` : undefined}
        onInput={(event) => set(props.path, event.currentTarget.value)}
      />
    </FieldShell>
  );
}

export function Select(props: FieldProps & { options: { value: string; label: string }[]; empty?: string }) {
  const { values, set, errors } = useContext(FormContext);
  const id = fieldId(props.path);
  return (
    <FieldShell {...props}>
      <select
        id={id}
        name={props.path}
        value={values[props.path] ?? ''}
        aria-invalid={errors[props.path] ? 'true' : undefined}
        aria-describedby={errors[props.path] ? `${id}-error` : undefined}
        onChange={(event) => set(props.path, event.currentTarget.value)}
      >
        {props.empty !== undefined && <option value="">{props.empty}</option>}
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** What went wrong, above the form: the refusal itself, and field errors no field on the form could show. */
export function FormProblem({ problem, unplaced, onReload }: { problem: Problem | null; unplaced: { path: string; message: string }[]; onReload?: () => void }) {
  const i18n = useI18n();
  if (!problem) return null;
  let message: string;
  if (problem.status === 400) message = i18n.t('formErrors');
  else if (problem.status === 412) message = i18n.t('formStale', { version: problem.currentVersion ?? '?' });
  else if (problem.status === 403) message = i18n.t('errorForbidden', { role: i18n.code('userRole', problem.role ?? '') });
  else if (problem.status === 429) message = i18n.t('errorRateLimited');
  else if (problem.status === 0) message = problem.detail ? i18n.t('errorGeneric', { detail: problem.detail }) : i18n.t('keyServerDown');
  else message = problem.detail ?? problem.title ?? `HTTP ${problem.status}`;
  return (
    <div class="notice notice-error form-problem" role="alert" tabIndex={-1} data-testid="form-problem" data-status={problem.status} data-code={problem.code}>
      <p>{message}</p>
      {unplaced.length > 0 && (
        <ul>
          {unplaced.map((error) => (
            <li key={error.path}>
              <code>{error.path}</code>: {error.message}
            </li>
          ))}
        </ul>
      )}
      {problem.status === 412 && onReload && (
        <button type="button" class="button button-small" onClick={onReload}>
          {i18n.t('formReload')}
        </button>
      )}
    </div>
  );
}

/** A number as typed, or the text itself when it is not one, so the API says what is wrong with it. */
export function numberOrText(value: string | undefined): number | string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

export const LANGUAGE_OPTIONS = ['ar', 'en', 'ku', 'tr', 'fr', 'fa', 'ru'];
export function LanguageList() {
  return (
    <datalist id="languages">
      {LANGUAGE_OPTIONS.map((language) => (
        <option key={language} value={language} />
      ))}
    </datalist>
  );
}
