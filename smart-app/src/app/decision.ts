// The payer's answer (a PAS ClaimResponse) in plain terms: approved, denied or pended, and why.
import { type CodeableConcept, type Extension, type Resource, X12_306, conceptText } from './fhir';

export type Decision = 'approved' | 'denied' | 'pended' | 'unknown';

export interface Answer {
  decision: Decision;
  authorization?: string;
  reasons: string[];
  notes: string[];
  disposition: string;
}

const REVIEW_ACTION = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction';
const REVIEW_ACTION_CODE = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewActionCode';
const CODES: Record<string, Decision> = { A1: 'approved', A2: 'approved', A3: 'denied', A4: 'pended', A6: 'approved' };

interface Adjudication { extension?: Extension[]; reason?: CodeableConcept }
interface Item { adjudication?: Adjudication[] }

export function readAnswer(response: Resource): Answer {
  const items = (response.item as Item[] | undefined) ?? [];
  const codes: string[] = [];
  const reasons: string[] = [];
  for (const adjudication of items.flatMap((i) => i.adjudication ?? [])) {
    for (const action of (adjudication.extension ?? []).filter((e) => e.url === REVIEW_ACTION)) {
      const code = (action.extension ?? []).find((e) => e.url === REVIEW_ACTION_CODE)?.valueCodeableConcept?.coding
        ?.find((c) => c.system === X12_306)?.code;
      if (code) codes.push(code);
    }
    const reason = conceptText(adjudication.reason);
    if (reason) reasons.push(reason);
  }
  // One denied item denies the request for the clinic's purposes; any pended item keeps it waiting.
  const decision: Decision = codes.some((c) => CODES[c] === 'denied') ? 'denied'
    : codes.some((c) => CODES[c] === 'pended') ? 'pended'
    : codes.length > 0 && codes.every((c) => CODES[c] === 'approved') ? 'approved' : 'unknown';
  return {
    decision,
    authorization: response.preAuthRef as string | undefined,
    reasons: [...new Set(reasons)],
    notes: ((response.processNote as { text?: string }[] | undefined) ?? []).map((n) => n.text ?? '').filter((t) => t),
    disposition: (response.disposition as string | undefined) ?? '',
  };
}

export function decisionLabel(d: Decision): string {
  return { approved: 'Approved', denied: 'Denied', pended: 'Pended: the payer is reviewing', unknown: 'No decision yet' }[d];
}
