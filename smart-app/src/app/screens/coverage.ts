// Coverage check: for the drug ordered, the payer's criteria met, not met or unknown, with the chart evidence behind
// each, and what documentation is still missing.
import { type Assessment, byUrgency, clockLength, lawText, readAssessment, sourceText, statusLabel, summary } from '../assessment';
import { coverageLabel, describe, drugOf } from '../chart';
import type { Ctx } from '../context';
import { h, replace } from '../dom';
import { type Reference, type Resource, localReference } from '../fhir';
import { draftClaim, draftProblems } from '../pas';

export async function showCoverage(ctx: Ctx, view: HTMLElement): Promise<void> {
  const pid = ctx.patient.id as string;
  if (ctx.launched.assessment && !ctx.state.assessment) {
    // Opened from a CDS card: its assessment and order, directly.
    ctx.state.assessment = await withPayerName(ctx, readAssessment(await ctx.overturn.get(ctx.launched.assessment)));
    if (ctx.launched.order) {
      try {
        ctx.state.order = await ctx.chart.get(ctx.launched.order);
      } catch {
        ctx.say('The order on the card is not in the chart yet (not signed?): choose it below once it is.', 'error');
      }
    }
  }
  const [orders, coverages] = await Promise.all([
    ctx.chart.search(`MedicationRequest?patient=${encodeURIComponent(pid)}&status=active,draft,on-hold&_count=50`),
    ctx.chart.search(`Coverage?patient=${encodeURIComponent(pid)}&_count=20`),
  ]);
  const form = checkForm(ctx, view, orders, coverages);
  const result = h('section', { 'aria-labelledby': 'result-title', id: 'result' });
  replace(view, form, result);
  if (ctx.state.assessment) await showResult(ctx, result);
}

function checkForm(ctx: Ctx, view: HTMLElement, orders: Resource[], coverages: Resource[]): HTMLElement {
  if (coverages.length === 0) {
    return h('p', { class: 'error', role: 'alert' }, 'The EHR returned no Coverage for this patient: ask registration to add the insurance, then reload.');
  }
  if (orders.length === 0) {
    return h('p', { class: 'error', role: 'alert' }, 'No active medication order for this patient: place the order in the EHR, then reload.');
  }
  const chosen = ctx.state.order?.id;
  const orderSelect = h('select', { id: 'order', name: 'order' },
    orders.map((o) => h('option', { value: o.id as string, selected: o.id === chosen }, drugOf(o))));
  const coverageSelect = h('select', { id: 'coverage', name: 'coverage' },
    coverages.map((c) => h('option', { value: c.id as string }, coverageLabel(c))));
  const button = h('button', { type: 'submit' }, 'Check coverage');
  return h('form', {
    class: 'check',
    onsubmit: async (e: Event) => {
      e.preventDefault();
      const order = orders.find((o) => o.id === (orderSelect as HTMLSelectElement).value) as Resource;
      const coverage = coverages.find((c) => c.id === (coverageSelect as HTMLSelectElement).value) as Resource;
      button.setAttribute('disabled', '');
      ctx.say('Checking the payer\'s criteria against the chart…');
      // The earlier result goes: nothing on screen may be mistaken for the answer to this check.
      replace(view.querySelector('#result') as HTMLElement, h('p', { class: 'loading' }, 'Checking…'));
      try {
        const response = await ctx.overturn.post('CoverageEligibilityRequest/$submit', eligibilityRequest(ctx.patient, order, coverage));
        ctx.state = { assessment: await withPayerName(ctx, readAssessment(response)), order };
        ctx.say('');
        await showResult(ctx, view.querySelector('#result') as HTMLElement);
      } catch (error) {
        ctx.say(`The check failed: ${(error as Error).message}`, 'error');
      } finally {
        button.removeAttribute('disabled');
      }
    },
  },
  h('label', { for: 'order' }, 'Drug ordered'), orderSelect,
  h('label', { for: 'coverage' }, 'Coverage'), coverageSelect,
  button);
}

/** The payer as the chart names it (the insurer Organization's name), else as the assessment does. */
export async function withPayerName(ctx: Ctx, a: Assessment): Promise<Assessment> {
  if (!a.insurer) return a;
  try {
    const org = await ctx.chart.get(a.insurer);
    return typeof org.name === 'string' ? { ...a, payer: org.name } : a;
  } catch {
    return a;
  }
}

function eligibilityRequest(patient: Resource, order: Resource, coverage: Resource): Resource {
  const requester = localReference(order.requester as Reference | undefined);
  return {
    resourceType: 'CoverageEligibilityRequest',
    status: 'active',
    purpose: ['auth-requirements'],
    created: new Date().toISOString().slice(0, 10),
    patient: { reference: `Patient/${patient.id}` },
    ...(requester ? { provider: { reference: requester } } : {}),
    insurance: [{ coverage: { reference: `Coverage/${coverage.id}` } }],
    item: [{ productOrService: order.medicationCodeableConcept ?? { text: drugOf(order) }, detail: [{ reference: `MedicationRequest/${order.id}` }] }],
  };
}

async function showResult(ctx: Ctx, section: HTMLElement): Promise<void> {
  const a = ctx.state.assessment;
  if (!a) return;
  const evidence = new Map<string, Resource>();
  await Promise.all([...new Set(a.criteria.flatMap((c) => c.evidence))].map(async (ref) => {
    try { evidence.set(ref, await ctx.chart.get(ref)); } catch { /* shown as its reference */ }
  }));
  const dialog = h('dialog', { id: 'evidence', 'aria-labelledby': 'evidence-title' }) as HTMLDialogElement;
  const open = (ref: string) => {
    const resource = evidence.get(ref);
    const d = resource ? describe(resource) : { title: ref, rows: [] as [string, string][] };
    replace(dialog, h('h3', { id: 'evidence-title' }, d.title),
      h('dl', {}, d.rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('form', { method: 'dialog' }, h('button', { type: 'submit' }, 'Close')));
    dialog.showModal();
  };
  const criteria = byUrgency(a.criteria).map((c) => h('li', { class: `criterion ${c.status}`, 'data-status': c.status },
    h('span', { class: 'badge', 'aria-label': `Status: ${statusLabel(c.status)}` }, statusLabel(c.status)),
    h('div', {},
      h('p', { class: 'description' }, c.description, c.required ? '' : ' (not required)'),
      c.reason ? h('p', { class: 'reason' }, c.reason) : null,
      c.evidence.length ? h('p', { class: 'evidence' }, 'Evidence: ', c.evidence.map((ref) => h('button', {
        type: 'button', class: 'link', onclick: () => open(ref),
      }, evidence.has(ref) ? describe(evidence.get(ref) as Resource).title : ref))) : null,
      c.source ? h('p', { class: 'source' }, `Source: ${sourceText(c.source)}`) : null)));
  const problems = draftProblems(a, ctx.state.order);
  const prepare = h('button', { type: 'button', class: 'primary', disabled: problems.length > 0 }, 'Prepare the request and letter');
  prepare.addEventListener('click', async () => {
    prepare.setAttribute('disabled', '');
    try {
      const claim = draftClaim({
        assessment: a, order: ctx.state.order as Resource, requestId: crypto.randomUUID(),
        today: new Date().toISOString().slice(0, 10),
      });
      ctx.state.claim = await ctx.overturn.post('Claim', claim);
      ctx.go('letter');
    } catch (error) {
      ctx.say(`Could not prepare the request: ${(error as Error).message}`, 'error');
      prepare.removeAttribute('disabled');
    }
  });
  replace(section,
    h('h2', { id: 'result-title' }, `${a.drug}${a.payer ? ` · ${a.payer}` : ''}`),
    h('p', { class: `summary ${a.status}`, 'data-testid': 'assessment-summary' }, summary(a)),
    a.disposition ? h('p', { class: 'disposition' }, a.disposition) : null,
    a.policy ? h('p', { class: 'source' }, `Policy ${a.policy}${a.policyVersion ? `, version ${a.policyVersion}` : ''}; checked ${a.created.slice(0, 10)}`) : null,
    h('h3', {}, 'Payer criteria'),
    h('ul', { class: 'criteria' }, criteria),
    a.clocks.length ? [h('h3', {}, 'Clocks that apply'),
      h('ul', { class: 'clocks', 'data-testid': 'clocks' }, a.clocks.map((c) => h('li', {},
        h('strong', {}, c.urgency === 'expedited' ? 'Urgent request: ' : 'Standard request: '),
        `the payer must decide within ${clockLength(c)} of receiving it (by ${c.due.slice(0, 16).replace('T', ' ')} if sent now)`,
        h('span', { class: 'source' }, ` · ${lawText(c.citation)}${c.unverified ? ' (unverified: confirm before relying on it)' : ''}`))))] : null,
    a.missing.length ? [h('h3', {}, 'Documentation still missing'),
      h('ul', { class: 'missing' }, a.missing.map((m) => h('li', {}, m)))] : null,
    problems.length ? h('ul', { class: 'problems', role: 'alert' }, problems.map((p) => h('li', {}, p))) : null,
    h('div', { class: 'actions' }, prepare),
    dialog);
}
