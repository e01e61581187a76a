// Workflow Tasks (prior authorization, appeals, external review) as the case board shows them: grouped into cases
// by partOf, the next deadline counted down, overdue first, and each case's events for its timeline.
import { lawText } from './assessment';
import { type CodeableConcept, type Extension, type Reference, type Resource, OVERTURN, extensions, localReference, part } from './fhir';

const WORKFLOW_STEP = `${OVERTURN}/CodeSystem/workflow-step`;
const APPEAL_BUSINESS_STATUS = `${OVERTURN}/CodeSystem/appeal-business-status`;
/** The statuses of a step still being worked on: the case board's "open". */
export const OPEN_STATUSES = ['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold'];
const DEADLINE = `${OVERTURN}/StructureDefinition/workflow-deadline`;
const OPEN = new Set(OPEN_STATUSES);

export interface Step {
  id: string;
  code: string;
  label: string;
  status: string;
  open: boolean;
  outcome: string; // businessStatus: approved, denied, pended, upheld, overturned, ...
  outcomeText: string;
  description: string;
  authoredOn?: string;
  decidedOn?: string;
  deadline?: string;
  deadlineRule?: string; // the citation of the rule that set the deadline
  urgent: boolean;
  partOf?: string;
  focus?: string;
  patient?: string; // Patient/... the step is for
  output: string[];
}

export interface Case { steps: Step[]; next?: Step; overdue: boolean }

const LABELS: Record<string, string> = {
  'prior-authorization': 'Prior authorization',
  'internal-appeal': 'Internal appeal',
  'second-level-appeal': 'Second-level appeal',
  'peer-to-peer': 'Peer-to-peer review',
  'external-review': 'External review',
};

export function isWorkflowTask(task: Resource): boolean {
  return ((task.code as CodeableConcept | undefined)?.coding ?? []).some((c) => c.system === WORKFLOW_STEP);
}

export function readStep(task: Resource): Step {
  const coding = ((task.code as CodeableConcept | undefined)?.coding ?? []).find((c) => c.system === WORKFLOW_STEP);
  const code = coding?.code ?? 'step';
  const business = task.businessStatus as CodeableConcept | undefined;
  const status = (task.status as string | undefined) ?? 'unknown';
  const deadline = (task.restriction as { period?: { end?: string } } | undefined)?.period?.end;
  const used = extensions(task, DEADLINE).find((e: Extension) => part(e, 'due')?.valueDateTime === deadline);
  // The law behind the deadline as its citation says it; the rule's internal name stays on the server.
  const rule = used && lawText(part(used, 'citation')?.valueString ?? part(used, 'rule')?.valueString ?? '');
  const decidedOn = (task.executionPeriod as { end?: string } | undefined)?.end
    ?? (!OPEN.has(status) ? (task.lastModified as string | undefined) : undefined);
  return {
    id: task.id ?? '',
    code,
    label: LABELS[code] ?? coding?.display ?? code,
    status,
    open: OPEN.has(status),
    outcome: business?.coding?.[0]?.code ?? '',
    outcomeText: business?.text ?? business?.coding?.[0]?.display ?? business?.coding?.[0]?.code ?? '',
    description: (task.description as string | undefined) ?? '',
    authoredOn: task.authoredOn as string | undefined,
    decidedOn,
    deadline: OPEN.has(status) ? deadline : undefined,
    deadlineRule: rule || undefined,
    urgent: task.priority === 'urgent' || task.priority === 'stat' || task.priority === 'asap',
    partOf: localReference((task.partOf as Reference[] | undefined)?.[0]),
    focus: localReference(task.focus as Reference | undefined),
    patient: localReference(task.for as Reference | undefined),
    output: ((task.output as { valueReference?: Reference }[] | undefined) ?? [])
      .map((o) => localReference(o.valueReference)).filter((r): r is string => !!r),
  };
}

/** Cases: each root step (no partOf among the Tasks) with the steps that descend from it, oldest first. */
export function groupCases(tasks: Resource[], now: Date): Case[] {
  const steps = tasks.filter(isWorkflowTask).map(readStep);
  const byId = new Map(steps.map((s) => [s.id, s]));
  const parent = (s: Step) => (s.partOf ? byId.get(s.partOf.split('/')[1]) : undefined);
  /** The first step of s's case and how many partOf links lead there (bounded: a cycle ends it). */
  const rootOf = (s: Step): { root: Step; depth: number } => {
    let current = s;
    let depth = 0;
    for (let next = parent(current); next && depth < 20; next = parent(current)) {
      current = next;
      depth++;
    }
    return { root: current, depth };
  };
  const groups = new Map<string, { step: Step; depth: number }[]>();
  for (const s of steps) {
    const { root, depth } = rootOf(s);
    groups.set(root.id, [...(groups.get(root.id) ?? []), { step: s, depth }]);
  }
  const time = (s: Step) => (s.authoredOn ? Date.parse(s.authoredOn) : 0);
  const cases = [...groups.values()].map((group) => {
    // The root first, then each step after the one it is part of; steps at the same depth by when they were made.
    const ordered = group.sort((a, b) => a.depth - b.depth || time(a.step) - time(b.step)).map((g) => g.step);
    const next = ordered.filter((s) => s.open && s.deadline)
      .sort((a, b) => Date.parse(a.deadline as string) - Date.parse(b.deadline as string))[0];
    return { steps: ordered, next, overdue: !!next && Date.parse(next.deadline as string) < now.getTime() };
  });
  // Overdue first, then the nearest deadline, then cases with open work and no deadline, then closed cases.
  const key = (c: Case) => [c.overdue ? 0 : 1, c.next ? Date.parse(c.next.deadline as string) : Infinity,
    c.steps.some((s) => s.open) ? 0 : 1] as const;
  return cases.sort((a, b) => {
    const [a1, a2, a3] = key(a);
    const [b1, b2, b3] = key(b);
    return a1 - b1 || a2 - b2 || a3 - b3;
  });
}

/** "3 days 4 h left", "5 h left", "overdue by 2 days": a countdown a person reads at a glance. */
export function countdown(deadline: string, now: Date): string {
  const ms = Date.parse(deadline) - now.getTime();
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const span = days > 0 ? `${days} day${days === 1 ? '' : 's'}${hours > 0 ? ` ${hours} h` : ''}`
    : hours > 0 ? `${hours} h${minutes > 0 ? ` ${minutes} min` : ''}` : `${minutes} min`;
  return ms >= 0 ? `${span} left` : `overdue by ${span}`;
}

export interface TimelineEvent { at: string; label: string; kind: 'requested' | 'decided' | 'due' }

/** What happened in a case and when, oldest first: each step's start and decision, and the next deadline. */
export function timeline(c: Case): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (const s of c.steps) {
    if (s.authoredOn) events.push({ at: s.authoredOn, label: `${s.label} ${s.code === 'prior-authorization' ? 'requested' : 'filed'}`, kind: 'requested' });
    if (s.decidedOn && !s.open) events.push({ at: s.decidedOn, label: `${s.label}: ${s.outcome || s.status}`, kind: 'decided' });
  }
  if (c.next?.deadline) events.push({ at: c.next.deadline, label: `${c.next.label} due`, kind: 'due' });
  return events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** x positions (0..width) of the events along a time axis; equal times share a point. */
export function positions(events: TimelineEvent[], width: number, margin = 40): number[] {
  if (events.length === 0) return [];
  const times = events.map((e) => Date.parse(e.at));
  const min = Math.min(...times);
  const max = Math.max(...times);
  if (max === min) return times.map(() => width / 2);
  return times.map((t) => margin + ((t - min) / (max - min)) * (width - 2 * margin));
}

/** The row of each label: the first row whose last label ends far enough to the left. */
export function labelRows(xs: number[], width: number): number[] {
  const lastInRow: number[] = [];
  return xs.map((x) => {
    let row = lastInRow.findIndex((last) => x - last >= width);
    if (row < 0) row = lastInRow.length;
    lastInRow[row] = x;
    return row;
  });
}

export type AppealOutcome = 'upheld' | 'overturned' | 'partially-overturned';

export function isOpenAppeal(s: Step): boolean {
  return (s.code === 'internal-appeal' || s.code === 'second-level-appeal') && s.open;
}

/**
 * The appeal Task with the payer's decision recorded, as the server expects it: completed, the decision as
 * businessStatus, {@code decidedAt} (an instant) as executionPeriod.end.
 */
export function withAppealDecision(task: Resource, outcome: AppealOutcome, decidedAt: string): Resource {
  const { meta: _meta, ...rest } = task;
  const period = (task.executionPeriod as { start?: string } | undefined) ?? {};
  return {
    ...rest,
    status: 'completed',
    businessStatus: { coding: [{ system: APPEAL_BUSINESS_STATUS, code: outcome }] },
    executionPeriod: { ...period, end: decidedAt },
  };
}
