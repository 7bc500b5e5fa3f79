// Staff: who serves this organisation in which role; invite someone by e-mail, change
// a role, remove someone (their sessions here end at once).
import { useEffect, useState } from 'preact/hooks';
import { call, type StaffItem } from '../api';
import { fill, formatDate, labelOf } from '../i18n';
import type { ScreenProps } from './types';
import { SelectField } from './select-field';

const ROLES = ['owner', 'privacy_officer', 'marketer', 'developer', 'viewer'] as const;

export function Staff({ m, locale, self, announce, fail }: ScreenProps) {
  const [staff, setStaff] = useState<StaffItem[] | null>(null);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('privacy_officer');

  const load = async () => {
    try {
      setStaff((await call<{ staff: StaffItem[] }>('GET', '/v1/staff')).staff);
    } catch (error) {
      fail(error);
    }
  };
  useEffect(() => void load(), []);

  const invite = async (event: Event) => {
    event.preventDefault();
    try {
      await call('POST', '/v1/staff', { email, role, name: name.trim() || undefined, locale });
      announce(fill(m.invited, { email }));
      setEmail('');
      setName('');
      await load();
    } catch (error) {
      fail(error);
    }
  };
  const change = async (person: StaffItem, next: string) => {
    try {
      await call('PUT', `/v1/staff/${person.id}`, { role: next });
      announce(
        fill(m.roleChanged, { name: person.name ?? person.email, role: labelOf(m, 'role', next) }),
      );
      await load();
    } catch (error) {
      fail(error);
    }
  };
  const remove = async (person: StaffItem) => {
    try {
      await call('DELETE', `/v1/staff/${person.id}`);
      announce(fill(m.removed, { name: person.name ?? person.email }));
      await load();
    } catch (error) {
      fail(error);
    }
  };

  return (
    <div class="stack">
      {staff === null ? (
        <p>{m.loading}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{m.staffTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{m.staffName}</th>
                <th scope="col">{m.colEmail}</th>
                <th scope="col">{m.colRole}</th>
                <th scope="col">{m.colCreated}</th>
                <th scope="col">{m.colActions}</th>
              </tr>
            </thead>
            <tbody>
              {staff.map((p) => (
                <tr key={p.id}>
                  <td>{p.name ?? '—'}</td>
                  <td>{p.email}</td>
                  <td>
                    <select
                      aria-label={fill(m.changeRole, { name: p.name ?? p.email })}
                      value={p.role}
                      disabled={p.id === self.staff.id}
                      onChange={(e) => change(p, (e.target as HTMLSelectElement).value)}
                    >
                      {ROLES.map((r) => (
                        <option value={r} key={r}>
                          {labelOf(m, 'role', r)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{formatDate(p.since, locale, false)}</td>
                  <td>
                    {p.id !== self.staff.id && (
                      <button
                        type="button"
                        class="secondary"
                        aria-label={`${m.remove}: ${p.name ?? p.email}`}
                        onClick={() => remove(p)}
                      >
                        {m.remove}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form class="stack" onSubmit={invite} aria-labelledby="invite-title">
        <h2 id="invite-title">{m.inviteTitle}</h2>
        <div class="field">
          <label for="invite-email">{m.email}</label>
          <input
            id="invite-email"
            type="email"
            autocomplete="off"
            required
            value={email}
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="invite-name">{m.staffName}</label>
          <input
            id="invite-name"
            type="text"
            maxLength={100}
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </div>
        <SelectField
          id="invite-role"
          label={m.staffRole}
          value={role}
          options={ROLES}
          labelFor={(code) => labelOf(m, 'role', code)}
          onChange={setRole}
        />
        <button type="submit">{m.invite}</button>
      </form>
    </div>
  );
}
