import { describe, expect, it } from 'vitest';
import {
  activatedScriptType,
  isAllowed,
  purposesOf,
  scriptAttributesToCopy,
} from '../../widget/blocking/core';

describe('which gated elements may run (EP-01)', () => {
  it('reads a space-separated purpose list', () => {
    expect(purposesOf(' analytics   ads ')).toEqual(['analytics', 'ads']);
  });

  it('runs an element only when every listed purpose is granted', () => {
    expect(isAllowed('analytics ads', { analytics: true, ads: true })).toBe(true);
    expect(isAllowed('analytics ads', { analytics: true, ads: false })).toBe(false);
  });

  it('never runs an element with no purpose or an unknown one', () => {
    expect(isAllowed('', { analytics: true })).toBe(false);
    expect(isAllowed(null, { analytics: true })).toBe(false);
    expect(isAllowed('unknown', { analytics: true })).toBe(false);
  });

  it('turns an inert script into a classic one, or a module when asked', () => {
    expect(activatedScriptType(null)).toBe('text/javascript');
    expect(activatedScriptType('module')).toBe('module');
    expect(
      scriptAttributesToCopy(['type', 'src', 'data-consent', 'data-consent-type', 'nonce']),
    ).toEqual(['src', 'data-consent', 'nonce']);
  });
});
