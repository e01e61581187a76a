import { describe, expect, it } from 'vitest';
import { countdown, groupCases, isOpenAppeal, labelRows, positions, readStep, timeline, withAppealDecision } from '../app/cases';
import type { Resource } from '../app/fhir';

const STEP = 'http://overturn.example.org/fhir/CodeSystem/workflow-step';
const now = new Date('2026-12-06T12:00:00Z');

function task(id: string, code: string, status: string, extra: Partial<Resource> = {}): Resource {
  return { resourceType: 'Task', id, status, intent: 'order', code: { coding: [{ system: STEP, code }] }, authoredOn: '2026-12-01T10:00:00Z', ...extra };
}

describe('groupCases', () => {
  it('groups steps by partOf and puts the overdue case first, then the nearest deadline', () => {
    const tasks = [
      task('pa1', 'prior-authorization', 'completed', { businessStatus: { coding: [{ code: 'denied' }] }, lastModified: '2026-12-02T10:00:00Z', description: 'case one' }),
      task('ap1', 'internal-appeal', 'ready', { partOf: [{ reference: 'Task/pa1' }], restriction: { period: { end: '2027-05-31T23:59:59-07:00' } }, authoredOn: '2026-12-03T10:00:00Z' }),
      task('pa2', 'prior-authorization', 'completed', { description: 'case two' }),
      task('ap2', 'internal-appeal', 'ready', { partOf: [{ reference: 'Task/pa2' }], restriction: { period: { end: '2026-12-05T23:59:59Z' } } }),
      task('pa3', 'prior-authorization', 'completed', { description: 'case three' }),
      { resourceType: 'Task', id: 'other', status: 'ready', code: { text: 'not a workflow step' } },
    ];
    const cases = groupCases(tasks, now);
    expect(cases.map((c) => c.steps.map((s) => s.id))).toEqual([['pa2', 'ap2'], ['pa1', 'ap1'], ['pa3']]);
    expect(cases[0].overdue).toBe(true);
    expect(cases[1].overdue).toBe(false);
    expect(cases[1].next?.id).toBe('ap1');
    expect(cases[2].next).toBeUndefined();
  });

  it('ignores the deadline of a finished step', () => {
    const cases = groupCases([task('a', 'internal-appeal', 'completed', { restriction: { period: { end: '2026-12-01T00:00:00Z' } } })], now);
    expect(cases[0].overdue).toBe(false);
    expect(cases[0].next).toBeUndefined();
  });
});

describe('countdown', () => {
  it('says days and hours left, or how long overdue', () => {
    expect(countdown('2026-12-09T16:00:00Z', now)).toBe('3 days 4 h left');
    expect(countdown('2026-12-06T17:30:00Z', now)).toBe('5 h 30 min left');
    expect(countdown('2026-12-04T12:00:00Z', now)).toBe('overdue by 2 days');
    expect(countdown('2026-12-06T12:20:00Z', now)).toBe('20 min left');
  });
});

describe('timeline', () => {
  it('lists requests and decisions in time order with the next deadline last', () => {
    const [c] = groupCases([
      task('pa', 'prior-authorization', 'completed', { businessStatus: { coding: [{ code: 'denied' }] }, lastModified: '2026-12-02T10:00:00Z' }),
      task('ap', 'internal-appeal', 'ready', { partOf: [{ reference: 'Task/pa' }], authoredOn: '2026-12-03T10:00:00Z', restriction: { period: { end: '2027-05-31T23:59:59Z' } } }),
    ], now);
    expect(timeline(c).map((e) => e.label)).toEqual(['Prior authorization requested', 'Prior authorization: denied', 'Internal appeal filed', 'Internal appeal due']);
  });

  it('spreads events over the width in proportion to time', () => {
    const xs = positions([{ at: '2026-01-01T00:00:00Z', label: 'a', kind: 'requested' }, { at: '2026-01-03T00:00:00Z', label: 'b', kind: 'decided' },
      { at: '2026-01-05T00:00:00Z', label: 'c', kind: 'due' }], 200, 20);
    expect(xs).toEqual([20, 100, 180]);
  });
});

describe('labelRows', () => {
  it('moves a label that would overlap the previous one to the next row, and back when there is room', () => {
    expect(labelRows([20, 20, 60, 400, 410], 190)).toEqual([0, 1, 2, 0, 1]);
  });
});

describe('withAppealDecision', () => {
  it('completes the appeal with the decision and its date, keeping the rest', () => {
    const t = task('ap', 'internal-appeal', 'ready', { meta: { versionId: '1' }, executionPeriod: { start: '2026-12-03T10:00:00Z' }, description: 'appeal' });
    const done = withAppealDecision(t, 'upheld', '2026-12-20T12:00:00Z');
    expect(done).toMatchObject({ status: 'completed', description: 'appeal',
      businessStatus: { coding: [{ system: 'http://overturn.example.org/fhir/CodeSystem/appeal-business-status', code: 'upheld' }] },
      executionPeriod: { start: '2026-12-03T10:00:00Z', end: '2026-12-20T12:00:00Z' } });
    expect(done.meta).toBeUndefined();
    expect(isOpenAppeal(readStep(t))).toBe(true);
    expect(isOpenAppeal(readStep(done))).toBe(false);
  });
});

describe('groupCases order', () => {
  it('puts the root step first even when a later step was made in the same second or earlier by the clock', () => {
    const [c] = groupCases([
      task('ap', 'internal-appeal', 'ready', { partOf: [{ reference: 'Task/pa' }], authoredOn: '2026-12-06T06:00:00Z' }),
      task('pa', 'prior-authorization', 'completed', { authoredOn: '2026-12-06T06:00:00+00:00' }),
      task('er', 'external-review', 'ready', { partOf: [{ reference: 'Task/ap' }], authoredOn: '2026-12-06T05:59:59Z' }),
    ], now);
    expect(c.steps.map((s) => s.id)).toEqual(['pa', 'ap', 'er']);
  });
});
