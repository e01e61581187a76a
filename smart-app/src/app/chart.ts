// What the app reads of the chart: the patient banner, the orders that may need prior authorization, coverages.
import { type CodeableConcept, type Resource, conceptText } from './fhir';

interface HumanName { text?: string; given?: string[]; family?: string; use?: string }
interface Identifier { system?: string; value?: string; type?: CodeableConcept }

export interface Banner { name: string; born: string; gender: string; mrn: string }

export function banner(patient: Resource): Banner {
  const names = (patient.name as HumanName[] | undefined) ?? [];
  const name = names.find((n) => n.use === 'official') ?? names[0];
  const text = name?.text ?? [...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
  const ids = (patient.identifier as Identifier[] | undefined) ?? [];
  const mrn = ids.find((i) => i.type?.coding?.some((c) => c.code === 'MR')) ?? ids[0];
  return {
    name: text || 'Unnamed patient',
    born: (patient.birthDate as string | undefined) ?? '',
    gender: (patient.gender as string | undefined) ?? '',
    mrn: mrn?.value ?? '',
  };
}

/** The identifier to find this patient's cases by when a payer-side copy holds them (the MRN, else the first). */
export function caseIdentifier(patient: Resource): string | undefined {
  const ids = (patient.identifier as Identifier[] | undefined) ?? [];
  const id = ids.find((i) => i.type?.coding?.some((c) => c.code === 'MR')) ?? ids[0];
  return id?.value ? `${id.system ? `${id.system}|` : ''}${id.value}` : undefined;
}

export function drugOf(order: Resource): string {
  return conceptText(order.medicationCodeableConcept as CodeableConcept | undefined)
    || (order.medicationReference as { display?: string } | undefined)?.display || 'Medication order';
}

export function coverageLabel(coverage: Resource): string {
  const payor = (coverage.payor as { display?: string }[] | undefined)?.[0]?.display;
  const plan = conceptText(coverage.type as CodeableConcept | undefined);
  const member = (coverage.subscriberId as string | undefined);
  return [payor ?? 'Coverage', plan, member ? `member ${member}` : ''].filter((s) => s).join(' · ');
}

/** A short description of a chart resource for the evidence viewer: what it is, its value, when. */
export function describe(resource: Resource): { title: string; rows: [string, string][] } {
  const rows: [string, string][] = [];
  const add = (label: string, value: unknown) => {
    if (typeof value === 'string' && value) rows.push([label, value]);
  };
  const code = conceptText(resource.code as CodeableConcept | undefined)
    || conceptText(resource.medicationCodeableConcept as CodeableConcept | undefined);
  add('Status', resource.status as string | undefined);
  add('Value', valueText(resource));
  const interpretation = (resource.interpretation as CodeableConcept[] | undefined)?.map(conceptText).join(', ');
  add('Interpretation', interpretation);
  const method = conceptText(resource.method as CodeableConcept | undefined);
  add('Method', method);
  add('When', (resource.effectiveDateTime ?? resource.onsetDateTime ?? resource.recordedDate ?? resource.issued
    ?? resource.authoredOn ?? (resource.effectivePeriod as { start?: string } | undefined)?.start) as string | undefined);
  const reason = (resource.statusReason as CodeableConcept | undefined);
  add('Reason', conceptText(reason));
  for (const component of (resource.component as Resource[] | undefined) ?? []) {
    add(conceptText(component.code as CodeableConcept | undefined) || 'Component', valueText(component));
  }
  return { title: `${resource.resourceType}${code ? `: ${code}` : ''}`, rows };
}

function valueText(r: Resource): string {
  const q = r.valueQuantity as { value?: number; unit?: string } | undefined;
  if (q?.value !== undefined) return `${q.value}${q.unit ? ` ${q.unit}` : ''}`;
  if (r.valueCodeableConcept) return conceptText(r.valueCodeableConcept as CodeableConcept);
  if (typeof r.valueString === 'string') return r.valueString;
  if (typeof r.valueBoolean === 'boolean') return r.valueBoolean ? 'yes' : 'no';
  return '';
}
