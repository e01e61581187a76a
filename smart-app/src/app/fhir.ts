// The few FHIR shapes the app reads, kept loose: the server's own resources are validated on its side.

export interface Reference { reference?: string; display?: string }
export interface Coding { system?: string; code?: string; display?: string }
export interface CodeableConcept { coding?: Coding[]; text?: string }
export interface Extension {
  url: string;
  extension?: Extension[];
  valueString?: string;
  valueCode?: string;
  valueBoolean?: boolean;
  valueInteger?: number;
  valueDateTime?: string;
  valueReference?: Reference;
  valueCodeableConcept?: CodeableConcept;
}
export interface Resource {
  resourceType: string;
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string };
  extension?: Extension[];
  [element: string]: unknown;
}
export interface BundleEntry { fullUrl?: string; resource?: Resource; request?: { method: string; url: string } }
export interface Bundle extends Resource { type?: string; entry?: BundleEntry[] }

export const OVERTURN = 'http://overturn.example.org/fhir';
export const X12_306 = 'https://codesystem.x12.org/005010/306';

/** The sub-extensions named {@code url} of a complex extension. */
export function parts(ext: Extension, url: string): Extension[] {
  return (ext.extension ?? []).filter((e) => e.url === url);
}

export function part(ext: Extension, url: string): Extension | undefined {
  return parts(ext, url)[0];
}

export function extensions(holder: { extension?: Extension[] } | undefined, url: string): Extension[] {
  return (holder?.extension ?? []).filter((e) => e.url === url);
}

/** "Type/id" of a reference, with any base URL and version dropped; undefined when it names no resource. */
export function localReference(ref: Reference | string | undefined): string | undefined {
  const value = typeof ref === 'string' ? ref : ref?.reference;
  const m = value?.match(/([A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/);
  return m ? m[1] : undefined;
}

export function referenceTo(resource: Resource): string {
  return `${resource.resourceType}/${resource.id}`;
}

/** The text a person reads for a concept: its text, else the first display, else the first code. */
export function conceptText(concept: CodeableConcept | undefined): string {
  if (!concept) return '';
  if (concept.text) return concept.text;
  const coding = concept.coding?.find((c) => c.display) ?? concept.coding?.[0];
  return coding?.display ?? coding?.code ?? '';
}

export function resources<T extends Resource = Resource>(bundle: Bundle | undefined, type?: string): T[] {
  return (bundle?.entry ?? [])
    .map((e) => e.resource)
    .filter((r): r is T => !!r && (!type || r.resourceType === type));
}
