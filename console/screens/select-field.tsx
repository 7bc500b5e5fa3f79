// A labelled choice among coded values (a request type, a channel, a role), each option shown
// by its words in the console's language.
interface SelectFieldProps {
  id: string;
  label: string;
  value: string;
  options: readonly string[];
  /** The words for an option's code. */
  labelFor(option: string): string;
  /** An option for "none yet", with this text, before the others. */
  empty?: string;
  onChange(value: string): void;
}

export function SelectField({
  id,
  label,
  value,
  options,
  labelFor,
  empty,
  onChange,
}: SelectFieldProps) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange((e.target as HTMLSelectElement).value)}
      >
        {empty !== undefined && <option value="">{empty}</option>}
        {options.map((option) => (
          <option value={option} key={option}>
            {labelFor(option)}
          </option>
        ))}
      </select>
    </div>
  );
}
