// The second layer: one switch per optional purpose, each off until the person turns it on
// (BAN-02, GDPR-50), required purposes shown as always on, and Save. A modal dialog (A11Y-02)
// whose Esc closes it without accepting anything.

import type { WidgetPurpose } from '../config';
import type { Decisions } from '../consent/decisions';
import type { SettingsWords } from '../../shared/i18n/banner';
import { el } from './dom';
import { trapTab } from './focus';

export interface SettingsDialogProps {
  /** From the dialog's own script (settings-entry.ts), not the config. */
  messages: SettingsWords;
  locale: string;
  purposes: WidgetPurpose[];
  current: Decisions;
  onSave(decisions: Decisions): void;
  onClose(): void;
  /** "Manage my data": the way to what is stored, from where a person reviews a choice. */
  manageDataLink: HTMLElement;
  /** Art. 13 lines per purpose (data, recipients, transfers, retention), fetched when the dialog opens. */
  details?: Promise<Record<string, string[]> | undefined>;
}

/** The backdrop holding the dialog; the dialog itself takes focus when shown. */
export function renderSettingsDialog(props: SettingsDialogProps): {
  backdrop: HTMLElement;
  dialog: HTMLElement;
} {
  const { messages } = props;
  const switches: HTMLInputElement[] = [];
  const items = props.purposes.map((purpose) => {
    const text = purpose.text[props.locale] ?? Object.values(purpose.text)[0];
    const id = `ak-p-${purpose.key}`;
    // Legitimate interest (GDPR-40): on, with its interest named and a control to object; checked means objecting.
    const objectable = purpose.objectable;
    const input = el('input', {
      id,
      type: 'checkbox',
      role: objectable ? null : 'switch',
      'aria-describedby': `${id}-d`,
      'data-purpose': purpose.key,
      'data-object': objectable,
      disabled: purpose.required,
    });
    input.checked = objectable
      ? props.current[purpose.key] === false
      : purpose.required || props.current[purpose.key] === true;
    if (!purpose.required) switches.push(input);
    const item = el(
      'li',
      {},
      el(
        'label',
        { for: id },
        text?.name ?? purpose.key,
        purpose.required && el('span', { class: 'always' }, ` (${messages.alwaysOn})`),
        objectable && `: ${messages.object}`,
      ),
      input,
      el('p', { id: `${id}-d` }, text?.description),
      objectable && el('p', {}, text?.interest),
    );
    void props.details?.then((lines) =>
      lines?.[purpose.key]?.forEach((line) => item.append(el('p', {}, line))),
    );
    return item;
  });
  const save = () => {
    const decisions: Decisions = {};
    for (const input of switches)
      decisions[input.dataset.purpose ?? ''] = input.checked !== input.hasAttribute('data-object');
    props.onSave(decisions);
  };
  const dialog = el(
    'div',
    {
      class: 'layer dialog',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': 'ak-settings-title',
      'aria-describedby': 'ak-settings-intro',
      tabindex: -1,
      onkeydown: (event) => {
        if ((event as KeyboardEvent).key === 'Escape') props.onClose();
        trapTab(event as KeyboardEvent, dialog);
      },
    },
    el('h2', { id: 'ak-settings-title' }, messages.settingsTitle),
    el('p', { id: 'ak-settings-intro' }, messages.settingsIntro),
    el('ul', {}, ...items),
    el(
      'div',
      { class: 'actions' },
      el('button', { type: 'button', onclick: save }, messages.save),
      el('button', { type: 'button', onclick: props.onClose }, messages.close),
    ),
    el('p', { class: 'links' }, props.manageDataLink),
  );
  return { backdrop: el('div', { class: 'backdrop' }, dialog), dialog };
}
