import { describe, expect, it } from 'vitest';
import { changed, lineDiff } from '../app/diff';

describe('lineDiff', () => {
  it('shows a replaced line as removed then added, and keeps the rest', () => {
    expect(lineDiff('a\nb\nc', 'a\nB\nc\nd')).toEqual([
      { kind: 'same', text: 'a' }, { kind: 'removed', text: 'b' }, { kind: 'added', text: 'B' }, { kind: 'same', text: 'c' }, { kind: 'added', text: 'd' }]);
    expect(changed(lineDiff('same\ntext', 'same\ntext'))).toBe(0);
  });
});
