// index.html: completes the SMART launch, then shows the patient's banner and the four screens.
import FHIR from 'fhirclient';
import { makeApi } from './api';
import { banner } from './chart';
import { type Ctx, type Tab, parseAppContext } from './context';
import { h, replace } from './dom';
import type { Resource } from './fhir';
import { showCoverage } from './screens/coverage';
import { showLetter } from './screens/letter';
import { showSubmit } from './screens/submit';
import { showCases } from './screens/cases';
import { resume } from './resume';

const TABS: [Tab, string][] = [['coverage', 'Coverage check'], ['letter', 'Letter'], ['submit', 'Submit'], ['cases', 'Cases']];
const SCREENS: Record<Tab, (ctx: Ctx, view: HTMLElement) => Promise<void>> = {
  coverage: showCoverage, letter: showLetter, submit: showSubmit, cases: showCases,
};

async function start(): Promise<void> {
  const status = document.getElementById('status') as HTMLElement;
  const view = document.getElementById('view') as HTMLElement;
  const say = (message: string, kind: 'info' | 'error' = 'info') => {
    status.textContent = message;
    status.className = kind;
  };
  let client;
  try {
    client = await FHIR.oauth2.ready();
  } catch (error) {
    say(`The launch did not complete: ${error instanceof Error ? error.message : String(error)}. Open the app again from the chart, or start at launch.html.`, 'error');
    replace(document.getElementById('banner') as HTMLElement, 'No patient open');
    return;
  }
  const auth = () => client.getAuthorizationHeader();
  const chart = makeApi(client.state.serverUrl, auth);
  // Overturn as the EHR's FHIR server: one server for both. (Beside another EHR, Overturn's base is configured here.)
  const overturnBase = document.querySelector<HTMLMetaElement>('meta[name="overturn-fhir-base"]')?.content || client.state.serverUrl;
  const overturnUrl = new URL(overturnBase, location.href).href;
  // One server, one client: its limit on requests in flight is per token, so the two share one gate.
  const overturn = overturnUrl.replace(/\/+$/, '') === chart.base ? chart : makeApi(overturnUrl, auth);
  const patientId = client.patient.id;
  if (!patientId) {
    say('The launch named no patient: open the app from a patient\'s chart, or pick a patient when you sign in.', 'error');
    return;
  }
  let patient: Resource;
  try {
    patient = await chart.get(`Patient/${patientId}`);
  } catch (error) {
    say(`Could not read the patient from the EHR: ${(error as Error).message}`, 'error');
    return;
  }
  const token = client.state.tokenResponse as Record<string, unknown> | undefined;
  const nav = document.getElementById('tabs') as HTMLElement;
  const ctx: Ctx = {
    chart, overturn, patient,
    user: client.user.fhirUser ?? undefined,
    launched: parseAppContext(token?.appContext),
    state: {},
    go: (tab) => void show(tab),
    say,
  };
  // Opened on the patient again: the case as it was left. A card's launch is about its own assessment instead.
  const resumed = ctx.launched.assessment ? undefined
    : await resume(ctx).then(() => undefined, (error: Error) => `The earlier case could not be read back: ${error.message}`);
  const b = banner(patient);
  replace(document.getElementById('banner') as HTMLElement,
    h('strong', { 'data-testid': 'patient-name' }, b.name),
    b.born ? ` · born ${b.born}` : '', b.gender ? ` · ${b.gender}` : '', b.mrn ? ` · MRN ${b.mrn}` : '');

  // The tabs are made once and only marked as they change, so keyboard focus stays where it is.
  const buttons = TABS.map(([id, label]) => h('button', {
    type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': 'view', onclick: () => void show(id),
  }, label));
  replace(nav, buttons);
  nav.addEventListener('keydown', (e: KeyboardEvent) => {
    // Arrow keys move between tabs, as the ARIA tabs pattern has it.
    const at = buttons.indexOf(document.activeElement as HTMLElement);
    if (at < 0 || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    const next = buttons[(at + (e.key === 'ArrowRight' ? 1 : buttons.length - 1)) % buttons.length];
    next.focus();
    next.click();
  });

  async function show(tab: Tab): Promise<void> {
    TABS.forEach(([id], i) => {
      buttons[i].setAttribute('aria-selected', String(id === tab));
      buttons[i].tabIndex = id === tab ? 0 : -1;
    });
    view.setAttribute('aria-labelledby', `tab-${tab}`);
    replace(view, h('p', { class: 'loading' }, 'Loading…'));
    say('');
    try {
      await SCREENS[tab](ctx, view);
    } catch (error) {
      replace(view, h('p', { class: 'error', role: 'alert' }, (error as Error).message));
    }
  }
  await show('coverage');
  if (resumed) say(resumed, 'error');
}

void start();
