// Form fields that show the compliance lint's problems beside themselves: the rule's name and
// why it exists, tied to the control by aria-describedby and aria-invalid.
import { useRef } from 'preact/hooks';
import type { LintRule, LintViolation } from '../../../shared/config/lint';

export interface FieldContext {
  /** Why each rule exists, in the console's language. */
  reasons: Record<LintRule, string>;
  problems: Map<string, LintViolation[]>;
}

const idOf = (path: string) => `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;

function Problems({
  id,
  found,
  reasons,
}: {
  id: string;
  found: LintViolation[];
  reasons: FieldContext['reasons'];
}) {
  return (
    <ul class="lint" id={id}>
      {found.map((problem) => (
        <li key={problem.rule}>
          <strong>{problem.rule}</strong>: {reasons[problem.rule]}
        </li>
      ))}
    </ul>
  );
}

/** The control's accessible wiring and, when the lint objects, the problems below it. */
function useField(ctx: FieldContext, path: string) {
  const found = ctx.problems.get(path) ?? [];
  const id = idOf(path);
  const control = {
    id,
    'aria-invalid': found.length > 0 ? ('true' as const) : undefined,
    'aria-describedby': found.length > 0 ? `${id}-lint` : undefined,
  };
  const problems =
    found.length > 0 ? <Problems id={`${id}-lint`} found={found} reasons={ctx.reasons} /> : null;
  return { control, problems };
}

interface TextProps {
  ctx: FieldContext;
  path: string;
  label: string;
  value: string | number | undefined;
  onInput(value: string): void;
  long?: boolean;
  type?: 'text' | 'url' | 'number';
}

/**
 * What the person typed, shown for as long as the draft still holds what that text became. The
 * draft keeps parsed values ("nl, " is the list ["nl"], "invoices=" no entry yet), and drawing
 * them back into the control at every key would eat the comma or the half-typed line.
 */
function useTypedText(value: string) {
  const typed = useRef<{ text: string; became?: string } | null>(null);
  if (typed.current && typed.current.became === undefined) typed.current.became = value;
  const shown = typed.current?.became === value ? typed.current.text : value;
  const remember = (text: string) => {
    typed.current = { text };
  };
  return { shown, remember };
}

export function TextField({ ctx, path, label, value, onInput, long, type = 'text' }: TextProps) {
  const { control, problems } = useField(ctx, path);
  const { shown, remember } = useTypedText(String(value ?? ''));
  const input = (event: Event) => {
    const text = (event.target as HTMLInputElement).value;
    remember(text);
    onInput(text);
  };
  return (
    <div class="field">
      <label for={control.id}>{label}</label>
      {long ? (
        <textarea {...control} rows={3} value={shown} onInput={input} />
      ) : (
        <input {...control} {...({ type } as { type: 'text' })} value={shown} onInput={input} />
      )}
      {problems}
    </div>
  );
}

export function CheckField({
  ctx,
  path,
  label,
  checked,
  onChange,
}: {
  ctx: FieldContext;
  path: string;
  label: string;
  checked: boolean;
  onChange(value: boolean): void;
}) {
  const { control, problems } = useField(ctx, path);
  return (
    <div>
      <div class="choice">
        <input
          {...control}
          type="checkbox"
          checked={checked}
          onChange={(event) => onChange((event.target as HTMLInputElement).checked)}
        />
        <label for={control.id}>{label}</label>
      </div>
      {problems}
    </div>
  );
}

export function SelectField({
  ctx,
  path,
  label,
  value,
  options,
  onChange,
}: {
  ctx: FieldContext;
  path: string;
  label: string;
  value: string;
  options: readonly string[];
  onChange(value: string): void;
}) {
  const { control, problems } = useField(ctx, path);
  return (
    <div class="field">
      <label for={control.id}>{label}</label>
      <select
        {...control}
        value={value}
        onChange={(event) => onChange((event.target as HTMLSelectElement).value)}
      >
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
      {problems}
    </div>
  );
}

/** Checkboxes for a set of values, one group with a legend. */
export function SetField({
  ctx,
  path,
  legend,
  values,
  options,
  onChange,
}: {
  ctx: FieldContext;
  path: string;
  legend: string;
  values: string[];
  options: readonly string[];
  onChange(values: string[]): void;
}) {
  const { control, problems } = useField(ctx, path);
  return (
    <fieldset id={control.id} aria-describedby={control['aria-describedby']}>
      <legend>{legend}</legend>
      {options.map((option) => (
        <div class="choice" key={option}>
          <input
            type="checkbox"
            id={`${control.id}-${option}`}
            checked={values.includes(option)}
            onChange={(event) =>
              onChange(
                (event.target as HTMLInputElement).checked
                  ? [...values, option]
                  : values.filter((v) => v !== option),
              )
            }
          />
          <label for={`${control.id}-${option}`}>{option}</label>
        </div>
      ))}
      {problems}
    </fieldset>
  );
}
