import { describe, expect, it } from 'vitest';
import { byUrgency, clockLength, lawText, readAssessment, sourceText, summary } from '../app/assessment';
import type { Extension, Resource } from '../app/fhir';

const SD = 'http://overturn.example.org/fhir/StructureDefinition';

function criterion(id: string, status: string, evidence: string[] = [], required = true): Extension {
  return {
    url: `${SD}/criterion-result`,
    extension: [
      { url: 'id', valueString: id }, { url: 'status', valueCode: status },
      { url: 'description', valueString: `criterion ${id}` }, { url: 'required', valueBoolean: required },
      { url: 'reason', valueString: `why ${id}` },
      ...evidence.map((r) => ({ url: 'evidence', valueReference: { reference: r } })),
      { url: 'source', valueString: 'FDA label' },
    ],
  };
}

function response(status: string, criteria: Extension[], missing: string[] = []): Resource {
  return {
    resourceType: 'CoverageEligibilityResponse', id: 'cer-1', created: '2026-12-06T05:57:01+00:00',
    extension: [{ url: `${SD}/coverage-assessment`, extension: [
      { url: 'payer', valueString: 'cigna' }, { url: 'drug', valueString: 'alectinib' },
      { url: 'status', valueCode: status }, { url: 'policy', valueString: 'cigna-alectinib-nsclc' }, { url: 'policy-version', valueInteger: 3 }] }],
    patient: { reference: 'Patient/p1' },
    insurer: { reference: 'https://ehr.example/fhir/Organization/o1', display: 'Cigna Healthcare' },
    insurance: [{ coverage: { reference: 'Coverage/c1/_history/2' }, item: [{
      productOrService: { text: 'Alecensa (alectinib) 150 mg capsule' }, authorizationRequired: true,
      extension: [...criteria, ...missing.map((m) => ({ url: `${SD}/missing-documentation`, valueString: m }))] }] }],
  };
}

describe('readAssessment', () => {
  it('reads each criterion with its evidence as local references', () => {
    const a = readAssessment(response('criteria-met', [criterion('alk-positive', 'met', ['Observation/o1', 'Observation/o2'])]));
    expect(a.drug).toBe('Alecensa (alectinib) 150 mg capsule');
    expect(a.payer).toBe('Cigna Healthcare');
    expect(a.policyVersion).toBe(3);
    expect(a.coverage).toBe('Coverage/c1');
    expect(a.insurer).toBe('Organization/o1');
    expect(a.criteria).toEqual([{ id: 'alk-positive', status: 'met', description: 'criterion alk-positive', required: true,
      reason: 'why alk-positive', evidence: ['Observation/o1', 'Observation/o2'], source: 'FDA label' }]);
  });

  it('treats a status it does not know as unknown, never as met', () => {
    const a = readAssessment(response('criteria-met', [criterion('x', 'maybe')]));
    expect(a.criteria[0].status).toBe('unknown');
  });

  it('lists the missing documentation', () => {
    const a = readAssessment(response('documentation-missing', [], ['ALK result with its method']));
    expect(a.missing).toEqual(['ALK result with its method']);
  });
});

describe('byUrgency and summary', () => {
  it('puts unmet criteria first, then unknown, keeping the order within each', () => {
    const a = readAssessment(response('criteria-not-met', [criterion('a', 'met'), criterion('b', 'unknown'), criterion('c', 'not-met'), criterion('d', 'not-met')]));
    expect(byUrgency(a.criteria).map((c) => c.id)).toEqual(['c', 'd', 'b', 'a']);
  });

  it('counts only required criteria', () => {
    const a = readAssessment(response('criteria-not-met', [criterion('a', 'met'), criterion('b', 'not-met'), criterion('c', 'not-met', [], false)]));
    expect(summary(a)).toBe('1 of 2 required criteria are not met: a request now is likely to be denied.');
    const met = readAssessment(response('criteria-met', [criterion('a', 'met'), criterion('b', 'met')]));
    expect(summary(met)).toBe('All 2 required criteria are met: ready to request prior authorization.');
  });
});

describe('clocks', () => {
  it('reads the PA decision clocks with their length and whether they are confirmed', () => {
    const deadline = (urgency: string, due: string, verification: string): Extension => ({ url: `${SD}/workflow-deadline`, extension: [
      { url: 'kind', valueCode: 'decision' }, { url: 'step', valueCode: 'initial-decision' }, { url: 'urgency', valueCode: urgency },
      { url: 'due', valueDateTime: due }, { url: 'from', valueDateTime: '2026-12-06T06:00:00Z' },
      { url: 'regime', valueString: 'CA-DMHC' }, { url: 'citation', valueString: 'H&S Code 1367.241' }, { url: 'verification', valueCode: verification }] });
    const r = response('criteria-met', [deadline('standard', '2026-12-09T06:00:00Z', 'verified'), deadline('expedited', '2026-12-07T06:00:00Z', 'UNVERIFIED'),
      deadline('standard', '2026-12-21T06:00:00Z', 'secondary')]);
    const a = readAssessment(r);
    expect(a.clocks.map((c) => [c.urgency, clockLength(c), c.unverified])).toEqual([
      ['standard', '72 hours', false], ['expedited', '24 hours', true], ['standard', '15 days', false]]);
  });
});

describe('sourceText', () => {
  it('names a filed guide plainly and keeps the rest', () => {
    expect(sourceText('seeds/004_7e44664f54a4bddd.txt (documentation checklist; UNVERIFIED)'))
      .toBe('a published guide (documentation checklist; UNVERIFIED)');
    expect(sourceText('FDA label (Alecensa); Cigna criteria (Policy Vault, secondary)'))
      .toBe('FDA label (Alecensa); Cigna criteria (Policy Vault, secondary)');
  });
});

describe('lawText', () => {
  it('keeps the statute a rule cites and drops the rule file', () => {
    expect(lawText('CA-DMHC rxPriorAuth.standard (72 hours), jurisdictions.yaml v2: CA H&S §1367.241 (california.public.law)'))
      .toBe('CA H&S §1367.241 (california.public.law)');
    expect(lawText('45 CFR 147.136')).toBe('45 CFR 147.136');
  });
});
