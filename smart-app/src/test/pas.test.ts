import { describe, expect, it } from 'vitest';
import { readAssessment } from '../app/assessment';
import type { Bundle, Resource } from '../app/fhir';
import { requestedOrder } from '../app/resume';
import { DRAFT_ID_SYSTEM, MAX_ENTRIES, REQUEST_ID_SYSTEM, draftClaim, draftProblems, pasBundle, referencesIn } from '../app/pas';

const SD = 'http://overturn.example.org/fhir/StructureDefinition';
const assessment = readAssessment({
  resourceType: 'CoverageEligibilityResponse', id: 'cer', patient: { reference: 'Patient/p1' }, insurer: { reference: 'Organization/payer' },
  insurance: [{ coverage: { reference: 'Coverage/c1' }, item: [{ productOrService: { text: 'Alecensa' }, extension: [
    { url: `${SD}/criterion-result`, extension: [{ url: 'status', valueCode: 'met' }, { url: 'evidence', valueReference: { reference: 'Observation/alk' } }] },
    { url: `${SD}/criterion-result`, extension: [{ url: 'status', valueCode: 'met' }, { url: 'evidence', valueReference: { reference: 'Observation/alk' } },
      { url: 'evidence', valueReference: { reference: 'Condition/nsclc' } }] }] }] }],
});
const order: Resource = { resourceType: 'MedicationRequest', id: 'mr1', priority: 'urgent', requester: { reference: 'Practitioner/dr' },
  medicationCodeableConcept: { text: 'Alecensa 150 mg' }, subject: { reference: 'Patient/p1' } };

describe('draftClaim', () => {
  it('names the order, the coverage and each piece of evidence once', () => {
    const claim = draftClaim({ assessment, order, requestId: 'r-1', today: '2026-12-06' });
    expect(claim.use).toBe('preauthorization');
    expect(claim.provider).toEqual({ reference: 'Practitioner/dr' });
    expect((claim.supportingInfo as { valueReference: { reference: string } }[]).map((s) => s.valueReference.reference))
      .toEqual(['Observation/alk', 'Condition/nsclc']);
    expect(JSON.stringify(claim.item)).toContain('MedicationRequest/mr1');
    expect(claim.priority).toEqual({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: 'stat' }] });
  });

  it('says what is missing before a claim can be drafted', () => {
    expect(draftProblems(assessment, undefined)).toEqual(['No medication order for this drug is in the chart: place the order first.']);
    expect(draftProblems(assessment, { ...order, requester: undefined })[0]).toContain('prescriber');
    expect(draftProblems(assessment, order)).toEqual([]);
  });
});

describe('pasBundle', () => {
  const chart: Record<string, Resource> = {
    'Patient/p1': { resourceType: 'Patient', id: 'p1', managingOrganization: { reference: 'Organization/clinic' } },
    'Organization/payer': { resourceType: 'Organization', id: 'payer' },
    'Organization/clinic': { resourceType: 'Organization', id: 'clinic' },
    'Practitioner/dr': { resourceType: 'Practitioner', id: 'dr' },
    'Coverage/c1': { resourceType: 'Coverage', id: 'c1', beneficiary: { reference: 'Patient/p1' }, payor: [{ reference: 'Organization/payer' }] },
    'Observation/alk': { resourceType: 'Observation', id: 'alk', subject: { reference: 'Patient/p1' }, performer: [{ reference: 'https://lab.example/fhir/Organization/x' }] },
    'Condition/nsclc': { resourceType: 'Condition', id: 'nsclc', subject: { reference: 'Patient/p1' }, contained: [], evidence: [{ detail: [{ reference: '#c' }] }] },
    'MedicationRequest/mr1': order,
  };

  it('carries the Claim first and every resource it reaches once, each by its URL', async () => {
    const fetched: string[] = [];
    const claim: Resource = { ...draftClaim({ assessment, order, requestId: 'r-1', today: '2026-12-06' }), id: 'stored', meta: { versionId: '1' } };
    const bundle: Bundle = await pasBundle(claim, 'http://127.0.0.1:8080/fhir/', async (ref) => { fetched.push(ref); return chart[ref]; });
    expect(bundle.type).toBe('collection');
    expect(bundle.entry?.[0].resource?.resourceType).toBe('Claim');
    expect(bundle.entry?.[0].resource?.id).toBeUndefined();
    // the draft's identifier becomes the request's: same value, the request system
    expect(claim.identifier).toEqual([{ system: DRAFT_ID_SYSTEM, value: 'r-1' }]);
    expect(bundle.entry?.[0].resource?.identifier).toEqual([{ system: REQUEST_ID_SYSTEM, value: 'r-1' }]);
    expect(bundle.entry?.slice(1).map((e) => e.fullUrl).sort()).toEqual(Object.keys(chart).map((k) => `http://127.0.0.1:8080/fhir/${k}`).sort());
    expect(new Set(fetched).size).toBe(fetched.length);
  });

  it('refuses a reference walk that never ends', async () => {
    let n = 0;
    const endless = async (): Promise<Resource> => ({ resourceType: 'Basic', id: `b${n}`, subject: { reference: `Basic/b${++n}` } });
    await expect(pasBundle({ resourceType: 'Claim', patient: { reference: 'Basic/b0' } }, 'http://x/fhir', endless))
      .rejects.toThrow(`more than ${MAX_ENTRIES}`);
  });

  it('collects relative references only', () => {
    expect(referencesIn({ resourceType: 'X', a: { reference: 'Patient/1' }, b: [{ reference: '#c1' }, { reference: 'urn:uuid:1' },
      { reference: 'https://other/fhir/Patient/2' }, { reference: 'Observation/o/_history/3' }] })).toEqual(['Patient/1', 'Observation/o']);
  });
});

describe('requestedOrder', () => {
  it('names the order a drafted Claim asks for', () => {
    const claim = draftClaim({ assessment, order, requestId: 'r-2', today: '2026-12-06' });
    expect(requestedOrder(claim)).toBe('MedicationRequest/mr1');
    expect(requestedOrder({ resourceType: 'Claim' })).toBeUndefined();
  });
});
