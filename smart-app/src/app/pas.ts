// The prior-authorization request: a Claim drafted from the coverage check, and the Da Vinci PAS request Bundle
// ($submit) made of that Claim and every chart resource it reaches.
import { type Bundle, type Reference, type Resource, OVERTURN, localReference } from './fhir';
import type { Assessment } from './assessment';

export const REQUEST_ID_SYSTEM = `${OVERTURN}/sid/pa-request`;
/**
 * The stored draft (what letters are written for) and the request sent to the payer are two Claims: PAS stores what
 * the payer received as its own. They share the identifier's value under two systems, so the payer side never
 * mistakes the draft for an earlier submission.
 */
export const DRAFT_ID_SYSTEM = `${OVERTURN}/sid/pa-draft`;
const PAS_TEMP = 'http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes';
const REQUESTED_SERVICE = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-requestedService';
/** A Bundle that names more than this is not a prior-authorization request but a runaway reference walk. */
export const MAX_ENTRIES = 200;

export interface ClaimDraft {
  assessment: Assessment;
  order: Resource; // the MedicationRequest
  provider?: string; // Practitioner/... ; the order's requester when unset
  requestId: string; // the business identifier, made once per draft (resubmitting it never decides twice)
  today: string; // yyyy-MM-dd
}

/** A preauthorization Claim for the order, naming the assessment's evidence as supporting information. */
export function draftClaim(d: ClaimDraft): Resource {
  const a = d.assessment;
  const evidence = [...new Set(a.criteria.flatMap((c) => c.evidence))];
  const requester = localReference(d.order.requester as Reference | undefined);
  const provider = d.provider ?? requester;
  const urgent = d.order.priority === 'urgent' || d.order.priority === 'stat' || d.order.priority === 'asap';
  const claim: Resource = {
    resourceType: 'Claim',
    identifier: [{ system: DRAFT_ID_SYSTEM, value: d.requestId }],
    status: 'active',
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'pharmacy' }] },
    use: 'preauthorization',
    patient: { reference: a.patient },
    created: d.today,
    insurer: { reference: a.insurer },
    priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: urgent ? 'stat' : 'normal' }] },
    supportingInfo: evidence.map((ref, i) => ({
      sequence: i + 1,
      category: { coding: [{ system: PAS_TEMP, code: 'additionalInformation' }] },
      valueReference: { reference: ref },
    })),
    insurance: [{ sequence: 1, focal: true, coverage: { reference: a.coverage } }],
    item: [{
      extension: [{ url: REQUESTED_SERVICE, valueReference: { reference: `MedicationRequest/${d.order.id}` } }],
      sequence: 1,
      productOrService: d.order.medicationCodeableConcept ?? { text: a.drug },
    }],
  };
  if (provider) claim.provider = { reference: provider };
  return claim;
}

/** What is missing before a Claim can be drafted, in words the user can act on; empty when nothing is. */
export function draftProblems(a: Assessment, order: Resource | undefined): string[] {
  const problems: string[] = [];
  if (!order) problems.push('No medication order for this drug is in the chart: place the order first.');
  if (!a.coverage) problems.push('The assessment names no Coverage: ask registration to add the insurance.');
  if (!a.insurer) problems.push('The assessment names no payer: check the Coverage\'s payor.');
  if (order && !order.requester) problems.push('The order names no prescriber (MedicationRequest.requester).');
  return problems;
}

/** Every local reference ("Type/id") anywhere in a resource, in document order, without repeats. */
export function referencesIn(resource: Resource): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        // Relative references only: contained (#), urn: and other servers' resources are not the chart's to fetch.
        if (key === 'reference' && typeof value === 'string' && !/^(#|urn:|[a-z]+:\/\/)/i.test(value)) {
          const local = localReference(value);
          if (local) found.add(local);
        } else walk(value);
      }
    }
  };
  walk(resource);
  return [...found];
}

/**
 * The PAS request Bundle: the Claim first, then each resource it reaches (breadth first), fetched once, with
 * fullUrl = base + "/Type/id" so that "Type/id" references resolve inside the Bundle.
 */
export async function pasBundle(claim: Resource, base: string, fetchResource: (ref: string) => Promise<Resource>): Promise<Bundle> {
  const root = base.replace(/\/+$/, '');
  const seen = new Map<string, Resource>();
  const queue = referencesIn(claim);
  while (queue.length > 0) {
    const ref = queue.shift() as string;
    if (seen.has(ref)) continue;
    if (seen.size >= MAX_ENTRIES) throw new Error(`The request would carry more than ${MAX_ENTRIES} resources; check the chart's references.`);
    const resource = await fetchResource(ref);
    seen.set(ref, resource);
    queue.push(...referencesIn(resource).filter((r) => !seen.has(r)));
  }
  const { id: _id, meta: _meta, ...claimBody } = claim;
  const draftIds = (claim.identifier as { system?: string; value?: string }[] | undefined) ?? [];
  claimBody.identifier = draftIds.map((i) => (i.system === DRAFT_ID_SYSTEM ? { ...i, system: REQUEST_ID_SYSTEM } : i));
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: new Date().toISOString(),
    entry: [
      { fullUrl: `urn:uuid:${crypto.randomUUID()}`, resource: claimBody as Resource },
      ...[...seen.entries()].map(([ref, resource]) => ({ fullUrl: `${root}/${ref}`, resource })),
    ],
  } as Bundle;
}
