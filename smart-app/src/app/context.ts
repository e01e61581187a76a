// What every screen shares: the two FHIR servers, the patient, and the case as far as the user has taken it.
import type { Api } from './api';
import type { Assessment } from './assessment';
import type { Resource } from './fhir';

export type Tab = 'coverage' | 'letter' | 'submit' | 'cases';

export interface AppContext { assessment?: string; order?: string }

export interface CaseState {
  assessment?: Assessment;
  order?: Resource; // the MedicationRequest being authorized
  claim?: Resource; // the drafted preauthorization Claim
  letter?: Resource; // the letter's DocumentReference, latest version
  generatedText?: string; // the letter as the server wrote it, for the diff
  generatedPdf?: string; // its PDF (base64), shown after an edit too
  response?: Resource; // the payer's ClaimResponse
  appeal?: { task: Resource; letter?: Resource };
}

export interface Ctx {
  chart: Api; // the EHR's FHIR server: the chart
  overturn: Api; // Overturn's FHIR API: assessments, letters, requests, appeals
  patient: Resource;
  user?: string; // fhirUser, e.g. Practitioner/123
  launched: AppContext;
  state: CaseState;
  go(tab: Tab): void;
  say(message: string, kind?: 'info' | 'error'): void;
}

/** The CDS card's appContext (a JSON string), tolerated when absent or not JSON. */
export function parseAppContext(raw: unknown): AppContext {
  if (typeof raw !== 'string' && (typeof raw !== 'object' || raw === null)) return {};
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try { value = JSON.parse(raw); } catch { return {}; }
  }
  const v = value as Record<string, unknown>;
  const ref = (x: unknown, type: string) => (typeof x === 'string' && x.startsWith(`${type}/`) ? x : undefined);
  return { assessment: ref(v.assessment, 'CoverageEligibilityResponse'), order: ref(v.order, 'MedicationRequest') };
}
