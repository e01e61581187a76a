// A stored coverage assessment (CoverageEligibilityResponse with Overturn's extensions) as the coverage check shows it.
import { type CodeableConcept, type Extension, type Reference, type Resource, OVERTURN, conceptText, extensions, localReference, part, parts } from './fhir';

export type CriterionStatus = 'met' | 'not-met' | 'unknown';

export interface Criterion {
  id: string;
  status: CriterionStatus;
  description: string;
  required: boolean;
  reason: string;
  evidence: string[];
  source: string;
}

/** A legal clock that applies to the request: how long the payer has to decide, counted from receipt. */
export interface Clock {
  urgency: 'standard' | 'expedited';
  from: string;
  due: string;
  regime: string;
  citation: string;
  unverified: boolean;
}

export interface Assessment {
  id: string;
  created: string;
  drug: string;
  payer: string;
  status: string;
  policy: string;
  policyVersion?: number;
  disposition: string;
  authorizationRequired?: boolean;
  criteria: Criterion[];
  missing: string[];
  clocks: Clock[];
  patient?: string;
  coverage?: string;
  insurer?: string;
}

const CRITERION = `${OVERTURN}/StructureDefinition/criterion-result`;
const MISSING = `${OVERTURN}/StructureDefinition/missing-documentation`;
const ASSESSMENT = `${OVERTURN}/StructureDefinition/coverage-assessment`;
const DEADLINE = `${OVERTURN}/StructureDefinition/workflow-deadline`;

interface ResponseItem { extension?: Extension[]; productOrService?: CodeableConcept; authorizationRequired?: boolean }
interface ResponseInsurance { coverage?: Reference; item?: ResponseItem[] }

export function readAssessment(response: Resource): Assessment {
  const overall = extensions(response, ASSESSMENT)[0];
  const insurance = (response.insurance as ResponseInsurance[] | undefined)?.[0];
  const item = insurance?.item?.[0];
  const text = (e: Extension | undefined, name: string) => {
    const p = e && part(e, name);
    return p?.valueString ?? p?.valueCode ?? '';
  };
  return {
    id: response.id ?? '',
    created: (response.created as string | undefined) ?? '',
    drug: conceptText(item?.productOrService) || text(overall, 'drug'),
    payer: (response.insurer as Reference | undefined)?.display ?? text(overall, 'payer'),
    status: text(overall, 'status') || 'unknown',
    policy: text(overall, 'policy'),
    policyVersion: overall ? part(overall, 'policy-version')?.valueInteger : undefined,
    disposition: (response.disposition as string | undefined) ?? text(overall, 'reason'),
    authorizationRequired: item?.authorizationRequired,
    criteria: extensions(item, CRITERION).map(criterion),
    missing: extensions(item, MISSING).map((e) => e.valueString ?? '').filter((s) => s),
    clocks: extensions(item, DEADLINE).map(clock).filter((c): c is Clock => !!c),
    patient: localReference(response.patient as Reference | undefined),
    coverage: localReference(insurance?.coverage),
    insurer: localReference(response.insurer as Reference | undefined),
  };
}

function clock(ext: Extension): Clock | undefined {
  const v = (name: string) => { const p = part(ext, name); return p?.valueString ?? p?.valueCode ?? p?.valueDateTime ?? ''; };
  if (!v('due') || !v('from')) return undefined;
  return {
    urgency: v('urgency') === 'expedited' ? 'expedited' : 'standard',
    from: v('from'), due: v('due'), regime: v('regime'), citation: v('citation'),
    unverified: v('verification').includes('UNVERIFIED'),
  };
}

/** "72 hours", "15 days": a clock's length as the law states it. */
export function clockLength(c: Clock): string {
  const hours = Math.round((Date.parse(c.due) - Date.parse(c.from)) / 3_600_000);
  if (hours % 24 === 0 && hours >= 72 && hours !== 72) return `${hours / 24} days`;
  return `${hours} hours`;
}

function criterion(ext: Extension): Criterion {
  const s = (name: string) => part(ext, name)?.valueString ?? part(ext, name)?.valueCode ?? '';
  const status = s('status');
  return {
    id: s('id'),
    status: status === 'met' || status === 'not-met' ? status : 'unknown',
    description: s('description'),
    required: part(ext, 'required')?.valueBoolean ?? true,
    reason: s('reason'),
    evidence: parts(ext, 'evidence').map((e) => localReference(e.valueReference)).filter((r): r is string => !!r),
    source: s('source'),
  };
}

/** Unmet first, then unknown, then met: what needs work comes to the top. Stable within each group. */
export function byUrgency(criteria: Criterion[]): Criterion[] {
  const rank: Record<CriterionStatus, number> = { 'not-met': 0, unknown: 1, met: 2 };
  return criteria.map((c, i) => ({ c, i })).sort((a, b) => rank[a.c.status] - rank[b.c.status] || a.i - b.i).map((x) => x.c);
}

export function statusLabel(status: CriterionStatus): string {
  return { met: 'Met', 'not-met': 'Not met', unknown: 'Unknown' }[status];
}

/** One sentence for the whole assessment, in the words a clinic uses. */
export function summary(a: Assessment): string {
  const required = a.criteria.filter((c) => c.required);
  const met = required.filter((c) => c.status === 'met').length;
  if (a.authorizationRequired === false) return `${a.payer || 'The payer'} does not require prior authorization for ${a.drug}.`;
  if (a.status === 'criteria-met') return `All ${required.length} required criteria are met: ready to request prior authorization.`;
  if (a.status === 'criteria-not-met') return `${required.length - met} of ${required.length} required criteria are not met: a request now is likely to be denied.`;
  if (required.length === 0) return a.disposition || 'The payer\'s criteria could not be checked.';
  return `${met} of ${required.length} required criteria are met; the rest need documentation before a request.`;
}

/**
 * A criterion's source as a clinic reads it: file names of the server's knowledge base (where a guide was filed)
 * become "a published guide"; the rest, unverified marks included, is kept.
 */
export function sourceText(source: string): string {
  return source.replace(/[\w./-]+\.(txt|ya?ml|json)\b/g, 'a published guide');
}

/**
 * The law behind a clock as a clinic reads it: the statute as the rule file cites it (the text after
 * "<file>.yaml vN: "), without the rule's internal name; a citation of another shape is kept whole.
 */
export function lawText(citation: string): string {
  const m = citation.match(/\.ya?ml v\d+:\s*(.+)$/);
  return m ? m[1] : citation;
}
