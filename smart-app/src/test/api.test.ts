import { describe, expect, it } from 'vitest';
import { gate, outcomeText } from '../app/api';
import { parseAppContext } from '../app/context';
import { readAnswer } from '../app/decision';

describe('outcomeText', () => {
  it('quotes the OperationOutcome, else says what to do for the status', () => {
    expect(outcomeText(422, { resourceType: 'OperationOutcome', issue: [{ details: { text: 'Claim.insurer is required' } }, { diagnostics: 'and item' }] }))
      .toBe('Claim.insurer is required and item');
    expect(outcomeText(401, undefined)).toContain('launch the app again');
  });
});

describe('parseAppContext', () => {
  it('takes the assessment and order of a CDS card and nothing else', () => {
    expect(parseAppContext('{"assessment":"CoverageEligibilityResponse/1","order":"MedicationRequest/2"}'))
      .toEqual({ assessment: 'CoverageEligibilityResponse/1', order: 'MedicationRequest/2' });
    expect(parseAppContext('{"assessment":"Patient/1"}')).toEqual({ assessment: undefined, order: undefined });
    expect(parseAppContext('not json')).toEqual({});
    expect(parseAppContext(undefined)).toEqual({});
  });
});

describe('readAnswer', () => {
  const action = (code: string) => ({ extension: [{ url: 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction',
    extension: [{ url: 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewActionCode',
      valueCodeableConcept: { coding: [{ system: 'https://codesystem.x12.org/005010/306', code }] } }] }] });
  it('reads A1 as approved, A3 as denied with reasons, A4 as pended', () => {
    expect(readAnswer({ resourceType: 'ClaimResponse', preAuthRef: 'SBX-1', item: [{ adjudication: [action('A1')] }] }))
      .toMatchObject({ decision: 'approved', authorization: 'SBX-1' });
    expect(readAnswer({ resourceType: 'ClaimResponse', item: [{ adjudication: [{ ...action('A3'), reason: { text: 'ALK not shown' } }] }] }))
      .toMatchObject({ decision: 'denied', reasons: ['ALK not shown'] });
    expect(readAnswer({ resourceType: 'ClaimResponse', item: [{ adjudication: [action('A1')] }, { adjudication: [action('A4')] }] }).decision).toBe('pended');
    expect(readAnswer({ resourceType: 'ClaimResponse' }).decision).toBe('unknown');
  });
});

describe('gate', () => {
  it('never runs more tasks at once than its limit, and runs them all', async () => {
    const run = gate(3);
    let running = 0;
    let most = 0;
    const task = async (i: number) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return i;
    };
    const done = await Promise.all([...Array(10).keys()].map((i) => run(() => task(i))));
    expect(done).toEqual([...Array(10).keys()]);
    expect(most).toBe(3);
  });
});
