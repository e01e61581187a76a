// Case board: every prior-authorization, appeal and external-review step of the patient's cases (or, with a
// user-level token, the open cases of every patient), the next deadline counted down (overdue first), each case drawn
// as a timeline, the payer's appeal decision recorded, the external review prepared, and the plain-language summary
// ready to print.
import { decodeBase64 } from '../api';
import { type AppealOutcome, type Case, OPEN_STATUSES, type Step, countdown, groupCases, isOpenAppeal, labelRows, positions, timeline, withAppealDecision } from '../cases';
import { banner, caseIdentifier } from '../chart';
import type { Ctx } from '../context';
import { h, replace, svg } from '../dom';
import { type Resource, referenceTo } from '../fhir';
import { attachment } from './letter';

type Scope = 'patient' | 'practice';
let scope: Scope = 'patient';

export async function showCases(ctx: Ctx, view: HTMLElement): Promise<void> {
  const { tasks, patients } = scope === 'patient' ? await patientTasks(ctx) : await practiceTasks(ctx);
  const now = new Date();
  const cases = groupCases(tasks, now);
  const summary = h('section', { id: 'patient-summary', 'aria-live': 'polite' });
  const choose = (next: Scope) => () => { scope = next; ctx.go('cases'); };
  replace(view, h('h2', {}, 'Cases'),
    h('div', { class: 'actions', role: 'group', 'aria-label': 'Whose cases' },
      h('button', { type: 'button', 'aria-pressed': String(scope === 'patient'), onclick: choose('patient') }, 'This patient'),
      h('button', { type: 'button', 'aria-pressed': String(scope === 'practice'), onclick: choose('practice') }, 'All open cases')),
    cases.length === 0
      ? h('p', {}, scope === 'patient'
        ? 'No prior-authorization or appeal cases for this patient yet. Start with the coverage check.'
        : 'No open cases.')
      : h('ol', { class: 'cases' }, cases.map((c) => h('li', {}, caseCard(ctx, c, now, summary, scope === 'practice' ? patients : undefined)))),
    summary);
}

async function patientTasks(ctx: Ctx): Promise<{ tasks: Resource[]; patients: Map<string, Resource> }> {
  const pid = ctx.patient.id as string;
  // Requests sent through PAS are stored as the payer received them, under a copy of the patient that carries the
  // same identifier: both are this patient's cases.
  const identifier = caseIdentifier(ctx.patient);
  const searches = [ctx.overturn.search(`Task?patient=Patient/${encodeURIComponent(pid)}&_count=200`)];
  if (identifier) searches.push(ctx.overturn.search(`Task?patient.identifier=${encodeURIComponent(identifier)}&_count=200`));
  const found = (await Promise.all(searches)).flat();
  return { tasks: [...new Map(found.map((t) => [t.id, t])).values()], patients: new Map() };
}

/** Open steps of every patient the token reaches (a user-level token: the practice), with their patients. */
async function practiceTasks(ctx: Ctx): Promise<{ tasks: Resource[]; patients: Map<string, Resource> }> {
  // The earlier steps of each open one (part-of, iterated) complete its case and its timeline.
  const found = await ctx.overturn.search(`Task?status=${OPEN_STATUSES.join(',')}&_include=Task:patient&_include:iterate=Task:part-of&_count=200`);
  const patients = new Map(found.filter((r) => r.resourceType === 'Patient').map((p) => [referenceTo(p), p]));
  return { tasks: found.filter((r) => r.resourceType === 'Task'), patients };
}

function caseCard(ctx: Ctx, c: Case, now: Date, summary: HTMLElement, patients?: Map<string, Resource>): HTMLElement {
  const root = c.steps[0];
  const claim = c.steps.find((s) => s.code === 'prior-authorization')?.focus;
  const who = patients && root.patient && patients.get(root.patient);
  return h('article', { class: `case${c.overdue ? ' overdue' : ''}`, 'aria-label': root.description || root.label },
    h('h3', {}, who ? `${banner(who).name}: ` : '', root.description || root.label),
    c.next?.deadline
      ? h('p', { class: c.overdue ? 'deadline overdue' : 'deadline', 'data-testid': 'next-deadline' },
        h('strong', {}, `${c.next.label}: ${countdown(c.next.deadline, now)}`),
        ` (due ${c.next.deadline.slice(0, 16).replace('T', ' ')})`,
        c.next.deadlineRule ? h('span', { class: 'source' }, ` · ${c.next.deadlineRule}`) : null)
      : h('p', { class: 'deadline' }, c.steps.some((s) => s.open) ? 'Open, no deadline set' : 'Closed'),
    drawTimeline(c),
    h('ul', { class: 'steps' }, c.steps.map((s) => stepRow(ctx, c, s))),
    claim ? h('button', { type: 'button', onclick: () => void patientSummary(ctx, claim, summary) }, 'Plain-language summary for the patient') : null);
}

function stepRow(ctx: Ctx, c: Case, s: Step): HTMLElement {
  const reviewed = c.steps.some((other) => other.code === 'external-review' && other.partOf === `Task/${s.id}`);
  return h('li', { 'data-step': s.code },
    h('strong', {}, s.label), ` · ${s.status}`, s.outcome ? ` · ${s.outcome}` : '', s.urgent ? ' · expedited' : '',
    isOpenAppeal(s) ? decisionForm(ctx, s) : null,
    s.code.endsWith('appeal') && s.status === 'completed' && s.outcome === 'upheld' && !reviewed ? externalReview(ctx, s) : null);
}

/** The payer's answer to an appeal, recorded on its Task (an ordinary update the Task state machine checks). */
function decisionForm(ctx: Ctx, s: Step): HTMLElement {
  const id = `decision-${s.id}`;
  const outcome = h('select', { id: `${id}-outcome` },
    h('option', { value: 'upheld' }, 'Upheld the denial'),
    h('option', { value: 'overturned' }, 'Overturned: approved'),
    h('option', { value: 'partially-overturned' }, 'Partially overturned')) as HTMLSelectElement;
  // Today in the user's own zone (en-CA writes dates as yyyy-MM-dd).
  const date = h('input', { id: `${id}-date`, type: 'date', value: new Date().toLocaleDateString('en-CA'), required: true }) as HTMLInputElement;
  const save = h('button', { type: 'submit' }, 'Record the payer\'s decision');
  return h('form', {
    class: 'decision-form',
    onsubmit: async (e: Event) => {
      e.preventDefault();
      save.setAttribute('disabled', '');
      try {
        const task = await ctx.overturn.get(`Task/${s.id}`);
        await ctx.overturn.put(`Task/${s.id}`, withAppealDecision(task, outcome.value as AppealOutcome,
          // A date names no instant: noon of that day where the user is.
          new Date(`${date.value}T12:00:00`).toISOString()), `W/"${task.meta?.versionId}"`);
        ctx.go('cases');
        ctx.say('Decision recorded.');
      } catch (error) {
        ctx.say(`The decision could not be recorded: ${(error as Error).message}`, 'error');
        save.removeAttribute('disabled');
      }
    },
  },
  h('label', { for: `${id}-outcome` }, 'Payer\'s decision'), outcome,
  h('label', { for: `${id}-date` }, 'Decided on'), date, save);
}

function externalReview(ctx: Ctx, s: Step): HTMLElement {
  const button = h('button', { type: 'button' }, 'Prepare the external review');
  button.addEventListener('click', async () => {
    button.setAttribute('disabled', '');
    try {
      await ctx.overturn.post(`Task/${s.id}/$external-review`, { resourceType: 'Parameters' });
      ctx.go('cases');
      ctx.say('External review prepared: its packet and filing deadline are on the case.');
    } catch (error) {
      ctx.say(`The external review could not be prepared: ${(error as Error).message}`, 'error');
      button.removeAttribute('disabled');
    }
  });
  return button;
}

const WIDTH = 640;
const LABEL_WIDTH = 190; // room one label needs before the next may share its row

/** The case's events on a time axis: filled dots for what happened, a ring for what is due; labels never overlap. */
function drawTimeline(c: Case): Element {
  const events = timeline(c);
  const xs = positions(events, WIDTH);
  const rows = labelRows(xs, LABEL_WIDTH);
  const height = 48 + 18 * (Math.max(0, ...rows) + 1);
  const title = events.map((e) => `${e.label} ${e.at.slice(0, 10)}`).join('; ');
  return svg('svg', { class: 'timeline', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-label': `Timeline: ${title}` },
    svg('line', { x1: 20, y1: 24, x2: WIDTH - 20, y2: 24, class: 'axis' }),
    ...events.flatMap((e, i) => [
      svg('circle', { cx: xs[i], cy: 24, r: 7, class: `event ${e.kind}` }),
      svg('text', { x: xs[i], y: 52 + 18 * rows[i], 'text-anchor': xs[i] < LABEL_WIDTH / 2 ? 'start' : xs[i] > WIDTH - LABEL_WIDTH / 2 ? 'end' : 'middle' },
        `${e.label} · ${e.at.slice(5, 10)}`),
    ]));
}

async function patientSummary(ctx: Ctx, claim: string, section: HTMLElement): Promise<void> {
  try {
    const doc: Resource = await ctx.overturn.post(`${claim}/$patient-summary`, { resourceType: 'Parameters' });
    const text = decodeBase64(attachment(doc, 'text/markdown')?.data ?? '');
    replace(section, h('h3', {}, 'Summary for the patient'), h('pre', { class: 'letter-text printable', 'data-testid': 'patient-summary' }, text),
      h('button', { type: 'button', onclick: () => {
        document.body.classList.add('printing-summary');
        window.print();
        document.body.classList.remove('printing-summary');
      } }, 'Print'));
  } catch (error) {
    ctx.say(`Could not write the summary: ${(error as Error).message}`, 'error');
  }
}
