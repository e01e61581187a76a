// Case board: every prior-authorization, appeal and external-review step of the patient's cases, the next deadline
// counted down (overdue first), each case drawn as a timeline, and the plain-language summary ready to print.
import { decodeBase64 } from '../api';
import { type Case, type Step, countdown, groupCases, labelRows, positions, timeline } from '../cases';
import { caseIdentifier } from '../chart';
import type { Ctx } from '../context';
import { h, replace, svg } from '../dom';
import type { Resource } from '../fhir';
import { attachment } from './letter';

export async function showCases(ctx: Ctx, view: HTMLElement): Promise<void> {
  const pid = ctx.patient.id as string;
  // Requests sent through PAS are stored as the payer received them, under a copy of the patient that carries the
  // same identifier: both are this patient's cases.
  const identifier = caseIdentifier(ctx.patient);
  const searches = [ctx.overturn.search(`Task?patient=Patient/${encodeURIComponent(pid)}&_count=200`)];
  if (identifier) searches.push(ctx.overturn.search(`Task?patient.identifier=${encodeURIComponent(identifier)}&_count=200`));
  const found = (await Promise.all(searches)).flat();
  const tasks = [...new Map(found.map((t) => [t.id, t])).values()];
  const now = new Date();
  const cases = groupCases(tasks, now);
  if (cases.length === 0) {
    replace(view, h('h2', {}, 'Cases'), h('p', {}, 'No prior-authorization or appeal cases for this patient yet. Start with the coverage check.'),
      h('button', { type: 'button', onclick: () => ctx.go('coverage') }, 'Go to the coverage check'));
    return;
  }
  const summary = h('section', { id: 'patient-summary', 'aria-live': 'polite' });
  replace(view, h('h2', {}, 'Cases'),
    h('ol', { class: 'cases' }, cases.map((c) => h('li', {}, caseCard(ctx, c, now, summary)))),
    summary);
}

function caseCard(ctx: Ctx, c: Case, now: Date, summary: HTMLElement): HTMLElement {
  const root = c.steps[0];
  const claim = c.steps.find((s) => s.code === 'prior-authorization')?.focus;
  return h('article', { class: `case${c.overdue ? ' overdue' : ''}`, 'aria-label': root.description || root.label },
    h('h3', {}, root.description || root.label),
    c.next?.deadline
      ? h('p', { class: c.overdue ? 'deadline overdue' : 'deadline', 'data-testid': 'next-deadline' },
        h('strong', {}, `${c.next.label}: ${countdown(c.next.deadline, now)}`),
        ` (due ${c.next.deadline.slice(0, 16).replace('T', ' ')})`,
        c.next.deadlineRule ? h('span', { class: 'source' }, ` · ${c.next.deadlineRule}`) : null)
      : h('p', { class: 'deadline' }, c.steps.some((s) => s.open) ? 'Open, no deadline set' : 'Closed'),
    drawTimeline(c),
    h('ul', { class: 'steps' }, c.steps.map((s) => stepRow(ctx, s))),
    claim ? h('button', { type: 'button', onclick: () => void patientSummary(ctx, claim, summary) }, 'Plain-language summary for the patient') : null);
}

function stepRow(ctx: Ctx, s: Step): HTMLElement {
  const review = s.code.endsWith('appeal') && s.status === 'completed' && s.outcome === 'upheld'
    ? h('button', { type: 'button', onclick: async (e: Event) => {
      (e.target as HTMLElement).setAttribute('disabled', '');
      try {
        await ctx.overturn.post(`Task/${s.id}/$external-review`, { resourceType: 'Parameters' });
        ctx.go('cases');
      } catch (error) {
        ctx.say(`The external review could not be prepared: ${(error as Error).message}`, 'error');
      }
    } }, 'Prepare the external review')
    : null;
  return h('li', {}, h('strong', {}, s.label), ` · ${s.status}`, s.outcome ? ` · ${s.outcome}` : '', s.urgent ? ' · expedited' : '', review);
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
    replace(section, h('h3', {}, 'Summary for the patient'), h('pre', { class: 'letter-text printable' }, text),
      h('button', { type: 'button', onclick: () => window.print() }, 'Print'));
  } catch (error) {
    ctx.say(`Could not write the summary: ${(error as Error).message}`, 'error');
  }
}
