// A table of changed fields, before and after: the publish summary and the history's diff.
import type { ConfigChange } from '../../../shared/config/changes';
import type { StudioWords } from './words';

const shown = (value: unknown) =>
  value === null || value === undefined
    ? '—'
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

export function ChangesTable({
  caption,
  changes,
  w,
}: {
  caption: string;
  changes: ConfigChange[];
  w: StudioWords;
}) {
  return (
    <div class="table-wrap">
      <table class="changes">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{w.path}</th>
            <th scope="col">{w.before}</th>
            <th scope="col">{w.after}</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr key={change.path}>
              <th scope="row">
                <code>{change.path}</code>
              </th>
              <td>{shown(change.before)}</td>
              <td>{shown(change.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
