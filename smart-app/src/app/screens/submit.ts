// Submit: the Da Vinci PAS request to the payer, its decision (or pended status, followed until decided), and on a
// denial the appeal in one click.
import { countdown, readStep } from '../cases';
import type { Ctx } from '../context';
import { type Answer, decisionLabel, readAnswer } from '../decision';
import { h, replace } from '../dom';
import { type Bundle, type Resource, resources } from '../fhir';
import { pasBundle } from '../pas';
import { attachment } from './letter';
import { decodeBase64 } from '../api';

const POLL_MS = 15_000;

export async function showSubmit(ctx: Ctx, view: HTMLElement): Promise<void> {
  const claim = ctx.state.claim;
  if (!claim) {
    replace(view, h('p', {}, 'Check coverage and prepare the request first.'),
      h('button', { type: 'button', onclick: () => ctx.go('coverage') }, 'Go to the coverage check'));
    return;
  }
  const a = ctx.state.assessment;
  const result = h('section', { id: 'decision', 'aria-live': 'polite' });
  const submit = h('button', { type: 'button', class: 'primary', disabled: !!ctx.state.response }, `Submit to ${a?.payer || 'the payer'}`);
  submit.addEventListener('click', async () => {
    submit.setAttribute('disabled', '');
    ctx.say('Sending the request with its chart evidence…');
    try {
      const bundle = await pasBundle(claim, ctx.overturn.base, (ref) => ctx.overturn.get(ref));
      const answer = await ctx.overturn.post<Bundle>('Claim/$submit', bundle);
      ctx.state.response = resources(answer, 'ClaimResponse')[0];
      ctx.say('');
      await showDecision(ctx, result);
    } catch (error) {
      ctx.say(`The request was not accepted: ${(error as Error).message}`, 'error');
      submit.removeAttribute('disabled');
    }
  });
  const evidence = ((claim.supportingInfo as unknown[] | undefined) ?? []).length;
  replace(view,
    h('h2', {}, 'Submit the prior-authorization request'),
    h('p', {}, `${a?.drug ?? 'The drug'} for ${a?.payer ?? 'the payer'}, with ${evidence} chart record${evidence === 1 ? '' : 's'} as supporting information`
      + `${ctx.state.letter ? ' and the letter' : ''}.`),
    h('div', { class: 'actions' }, submit),
    result);
  if (ctx.state.response) await showDecision(ctx, result);
}

async function showDecision(ctx: Ctx, section: HTMLElement): Promise<void> {
  const response = ctx.state.response as Resource;
  const answer = readAnswer(response);
  replace(section,
    h('h3', {}, 'Payer decision'),
    h('p', { class: `decision ${answer.decision}`, 'data-testid': 'decision' }, decisionLabel(answer.decision)),
    answer.disposition ? h('p', {}, answer.disposition) : null,
    answer.authorization ? h('p', {}, `Authorization number: ${answer.authorization}`) : null,
    answer.reasons.length ? [h('h4', {}, 'Reasons given'), h('ul', {}, answer.reasons.map((r) => h('li', {}, r)))] : null,
    answer.notes.length ? [h('h4', {}, 'Payer notes'), h('ul', {}, answer.notes.map((n) => h('li', {}, n)))] : null,
    next(ctx, answer, section));
  if (answer.decision === 'pended') follow(ctx, section);
}

/** A pended request is read again until the payer decides, while this screen is open. */
function follow(ctx: Ctx, section: HTMLElement): void {
  const response = ctx.state.response as Resource;
  window.setTimeout(async () => {
    if (!section.isConnected) return;
    try {
      const latest = await ctx.overturn.get(`ClaimResponse/${response.id}`);
      if (latest.meta?.versionId !== response.meta?.versionId) {
        ctx.state.response = latest;
        await showDecision(ctx, section);
        return;
      }
    } catch { /* keep following: the next round may reach it */ }
    follow(ctx, section);
  }, POLL_MS);
}

function next(ctx: Ctx, answer: Answer, section: HTMLElement): HTMLElement | null {
  if (answer.decision !== 'denied') return null;
  if (ctx.state.appeal) return appealView(ctx);
  const urgency = h('select', { id: 'urgency' },
    h('option', { value: 'standard' }, 'Standard'),
    h('option', { value: 'expedited' }, 'Expedited (the patient\'s health is at serious risk)')) as HTMLSelectElement;
  const appeal = h('button', { type: 'button', class: 'primary' }, 'Appeal this denial');
  appeal.addEventListener('click', async () => {
    appeal.setAttribute('disabled', '');
    ctx.say('Filing the appeal and writing its letter…');
    try {
      const bundle = await ctx.overturn.post<Bundle>(`ClaimResponse/${(ctx.state.response as Resource).id}/$appeal`,
        { resourceType: 'Parameters', parameter: [{ name: 'urgency', valueCode: urgency.value }] });
      const task = resources(bundle, 'Task')[0];
      ctx.state.appeal = { task, letter: resources(bundle, 'DocumentReference')[0] };
      ctx.say('');
      await showDecision(ctx, section);
    } catch (error) {
      ctx.say(`The appeal could not be filed: ${(error as Error).message}`, 'error');
      appeal.removeAttribute('disabled');
    }
  });
  return h('div', { class: 'next' },
    h('h3', {}, 'Appeal'),
    h('p', {}, 'The appeal letter answers each denial reason with what the chart shows and the evidence that rebuts it; the filing deadline is counted under the law that governs this coverage.'),
    h('label', { for: 'urgency' }, 'Urgency'), urgency,
    h('div', { class: 'actions' }, appeal));
}

function appealView(ctx: Ctx): HTMLElement {
  const { task, letter } = ctx.state.appeal as { task: Resource; letter?: Resource };
  const step = readStep(task);
  const text = letter ? decodeBase64(attachment(letter, 'text/markdown')?.data ?? '') : '';
  return h('div', { class: 'next', 'data-testid': 'appeal' },
    h('h3', {}, `${step.label} filed`),
    step.deadline ? h('p', { class: 'deadline' }, `File by ${step.deadline.slice(0, 16).replace('T', ' ')} (${countdown(step.deadline, new Date())})`,
      step.deadlineRule ? h('span', { class: 'source' }, ` · ${step.deadlineRule}`) : null) : null,
    h('p', {}, `Status: ${step.status}${step.urgent ? ', expedited' : ''}.`),
    text ? h('details', {}, h('summary', {}, 'Appeal letter'), h('pre', { class: 'letter-text' }, text)) : null,
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => ctx.go('cases') }, 'Open the case board')));
}
