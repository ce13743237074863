import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import type { Light } from '../gql/graphql';
import type { ApiError } from '../lib/api';
import { hasNavigated } from '../lib/router';

/** A page: its heading takes focus after in-console navigation, and names the tab. */
export function Page(props: { title: string; lead?: ComponentChildren; actions?: ComponentChildren; children?: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · Stride`;
    if (hasNavigated()) heading.current?.focus();
  }, [props.title]);
  return (
    <>
      <div class="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {props.title}
        </h1>
        {props.actions && <div class="page-actions">{props.actions}</div>}
      </div>
      {props.lead && <p class="lead">{props.lead}</p>}
      {props.children}
    </>
  );
}

export function Loading(props: { what?: string }) {
  return (
    <p class="loading" role="status">
      Loading{props.what ? ` ${props.what}` : ''}…
    </p>
  );
}

export function ErrorNotice(props: { error: ApiError | undefined; retry?: () => void }) {
  if (!props.error) return null;
  return (
    <div class="notice error" role="alert">
      <p>{props.error.plain}</p>
      {props.retry && (
        <button type="button" class="secondary" onClick={props.retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Notice(props: { kind?: 'info' | 'success' | 'warning'; children: ComponentChildren; live?: boolean }) {
  return (
    <div class={`notice ${props.kind ?? 'info'}`} role={props.live ? 'status' : undefined}>
      {props.children}
    </div>
  );
}

interface FieldProps {
  label: ComponentChildren;
  hint?: ComponentChildren;
  error?: string | undefined;
  class?: string;
}

function FieldShell(props: FieldProps & { id: string; children: ComponentChildren }) {
  return (
    <div class={`field${props.error ? ' invalid' : ''}${props.class ? ` ${props.class}` : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.children}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

function described(id: string, props: FieldProps): string | undefined {
  const ids = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

type InputAttributes = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'label'>;

export function Input(props: FieldProps & InputAttributes & { name: string }) {
  const { label, hint, error, class: className, ...rest } = props;
  const id = `${useId()}-${props.name}`;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} class={className}>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={described(id, props)} {...rest} />
    </FieldShell>
  );
}

export function TextArea(props: FieldProps & Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, 'label'> & { name: string; code?: boolean }) {
  const { label, hint, error, class: className, code, ...rest } = props;
  const id = `${useId()}-${props.name}`;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} class={className}>
      <textarea id={id} class={code ? 'code' : undefined} aria-invalid={error ? true : undefined} aria-describedby={described(id, props)} {...rest} />
    </FieldShell>
  );
}

export function Select(
  props: FieldProps &
    Omit<JSX.SelectHTMLAttributes<HTMLSelectElement>, 'label'> & { name: string; options: readonly (readonly [string, string])[] },
) {
  const { label, hint, error, options, class: className, defaultValue, ...rest } = props;
  const id = `${useId()}-${props.name}`;
  // Preact sets a select's `defaultValue` before its options exist, so it would show the first
  // option (and a form saved untouched would send it): the default is marked on the option.
  const initial = defaultValue === undefined || defaultValue === null ? undefined : String(defaultValue);
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} class={className}>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={described(id, props)} {...rest}>
        {options.map(([value, text]) => (
          <option key={value} value={value} selected={initial === undefined ? undefined : initial === value}>
            {text}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function Checkbox(props: Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'label'> & { name: string; label: ComponentChildren; hint?: string }) {
  const { label, hint, ...rest } = props;
  const id = `${useId()}-${props.name}`;
  return (
    <div class="check">
      <input type="checkbox" id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...rest} />
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** Radio buttons in a fieldset with a legend. */
export function Radios(props: {
  legend: string;
  name: string;
  options: readonly (readonly [string, string])[];
  value?: string;
  defaultValue?: string;
  onChange?: (value: string) => void;
  error?: string;
}) {
  const id = useId();
  return (
    <fieldset class={`radios${props.error ? ' invalid' : ''}`}>
      <legend>{props.legend}</legend>
      {props.options.map(([value, text]) => (
        <div class="check" key={value}>
          <input
            type="radio"
            id={`${id}-${value}`}
            name={props.name}
            value={value}
            checked={props.value === undefined ? undefined : props.value === value}
            defaultChecked={props.defaultValue === value}
            onChange={() => props.onChange?.(value)}
          />
          <label for={`${id}-${value}`}>{text}</label>
        </div>
      ))}
      {props.error && <p class="field-error">{props.error}</p>}
    </fieldset>
  );
}

const LIGHT_WORDS: Record<Light, string> = { GREEN: 'Green', YELLOW: 'Yellow', RED: 'Red' };

/** The traffic light: a shape and a word, never colour alone. */
export function LightBadge(props: { light: Light | null | undefined; large?: boolean }) {
  const light = props.light;
  if (!light) return <span class="light none">No light</span>;
  return (
    <span class={`light ${light.toLowerCase()}${props.large ? ' large' : ''}`}>
      <span class="dot" aria-hidden="true" />
      {LIGHT_WORDS[light]}
    </span>
  );
}

export function Json(props: { value: unknown }) {
  return <pre class="json">{JSON.stringify(props.value, null, 2)}</pre>;
}

/** Key facts as a definition list. */
export function Facts(props: { items: [ComponentChildren, ComponentChildren][]; class?: string }) {
  return (
    <dl class={`facts${props.class ? ` ${props.class}` : ''}`}>
      {props.items.map(([term, value], i) => (
        <div key={i}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Reads a form's fields as strings; empty ones are left out. */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(form).forEach((value, key) => {
    if (typeof value === 'string' && value.trim() !== '') out[key] = value.trim();
  });
  return out;
}

export function num(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function int(value: string | undefined): number | undefined {
  const n = num(value);
  return n === undefined ? undefined : Math.round(n);
}
