// Opening the app again on a patient picks the case up where it was left: the latest assessment, the draft request
// and its letter, the payer's answer and the appeal, all read back from the server (the browser keeps none of it).
import { decodeBase64 } from './api';
import { readAssessment } from './assessment';
import type { Ctx } from './context';
import { OVERTURN, type Reference, type Resource, localReference } from './fhir';
import { DRAFT_ID_SYSTEM, REQUEST_ID_SYSTEM } from './pas';
import { withPayerName } from './screens/coverage';
import { attachment } from './screens/letter';

const CASE_DOCUMENT = `${OVERTURN}/CodeSystem/case-document`;
const WORKFLOW_STEP = `${OVERTURN}/CodeSystem/workflow-step`;
const REQUESTED_SERVICE = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-requestedService';

/**
 * Fills ctx.state from the server; what cannot be read is left out (the screens then offer to start it). Independent
 * reads go out together: the first screen waits for the longest chain, not for their sum.
 */
export async function resume(ctx: Ctx): Promise<void> {
  const patient = `Patient/${encodeURIComponent(ctx.patient.id as string)}`;
  await Promise.all([assessment(ctx, patient), draft(ctx, patient)]);
}

async function assessment(ctx: Ctx, patient: string): Promise<void> {
  const [latest] = await ctx.overturn.search(`CoverageEligibilityResponse?patient=${patient}&_sort=-_lastUpdated&_count=1`);
  if (!latest) return;
  ctx.state.assessment = await withPayerName(ctx, readAssessment(latest));
  // The order it assessed: its request's item detail (unless the draft request names one).
  const request = localReference(latest.request as Reference | undefined);
  const checked = request ? await ctx.overturn.get(request).catch(() => undefined) : undefined;
  const order = checked && localReference((checked.item as { detail?: Reference[] }[] | undefined)?.[0]?.detail?.[0]);
  const found = order ? await ctx.chart.get(order).catch(() => undefined) : undefined;
  ctx.state.order ??= found;
}

async function draft(ctx: Ctx, patient: string): Promise<void> {
  const [claim] = await ctx.overturn.search(
    `Claim?patient=${patient}&identifier=${encodeURIComponent(`${DRAFT_ID_SYSTEM}|`)}&_sort=-_lastUpdated&_count=1`);
  if (!claim) return;
  ctx.state.claim = claim;
  const order = requestedOrder(claim);
  await Promise.all([
    order ? ctx.chart.get(order).then((o) => { ctx.state.order = o; }, () => undefined) : undefined,
    letter(ctx, claim),
    answer(ctx, claim),
  ]);
}

async function letter(ctx: Ctx, claim: Resource): Promise<void> {
  const [doc] = await ctx.overturn.search(`DocumentReference?related=Claim/${claim.id}`
    + `&type=${encodeURIComponent(`${CASE_DOCUMENT}|medical-necessity-letter`)}&_sort=-_lastUpdated&_count=1`);
  if (!doc) return;
  ctx.state.letter = doc;
  const generated = await ctx.overturn.get(`DocumentReference/${doc.id}/_history/1`).catch(() => doc);
  ctx.state.generatedText = decodeBase64(attachment(generated, 'text/markdown')?.data ?? '');
  ctx.state.generatedPdf = attachment(generated, 'application/pdf')?.data;
}

/** The request as the payer side stored it (same value, the request system), its latest answer and its appeal. */
async function answer(ctx: Ctx, claim: Resource): Promise<void> {
  const value = (claim.identifier as { system?: string; value?: string }[] | undefined)?.find((i) => i.system === DRAFT_ID_SYSTEM)?.value;
  if (!value) return;
  const [sent] = await ctx.overturn.search(`Claim?identifier=${encodeURIComponent(`${REQUEST_ID_SYSTEM}|${value}`)}&_count=1`);
  if (!sent) return;
  const [response] = await ctx.overturn.search(`ClaimResponse?request=Claim/${sent.id}&_sort=-_lastUpdated&_count=1`);
  if (!response) return;
  ctx.state.response = response;
  const [appeal] = await ctx.overturn.search(`Task?focus=ClaimResponse/${response.id}`
    + `&code=${encodeURIComponent(`${WORKFLOW_STEP}|internal-appeal`)}&_sort=-_lastUpdated&_count=1`);
  if (appeal) ctx.state.appeal = { task: appeal };
}

/** The MedicationRequest a PAS Claim asks for (its item's requestedService). */
export function requestedOrder(claim: Resource): string | undefined {
  const items = (claim.item as { extension?: { url: string; valueReference?: Reference }[] }[] | undefined) ?? [];
  return localReference(items[0]?.extension?.find((e) => e.url === REQUESTED_SERVICE)?.valueReference);
}
