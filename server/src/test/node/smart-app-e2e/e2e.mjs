// The SMART app end to end in headless Chromium, against a running Overturn with the development authorization
// server (profile dev-auth). Started by SmartAppBrowserIT, which stores the charts and passes:
//   E2E_ORIGIN        the server, e.g. http://127.0.0.1:8182
//   E2E_APPROVE       a Patient id whose chart meets the payer's criteria (the Alecensa story)
//   E2E_DENY          a Patient id whose chart does not (ALK negative): denied, then appealed
//   E2E_CARD_CONTEXT  the appContext of the SMART link on a CDS card for E2E_APPROVE's order
//   E2E_STORIES       optional: the stories to run, comma-separated (all when unset)
//   E2E_SHOTS         where screenshots go
//   CHROMIUM          the browser (Debian's chromium)
// Prints one JSON line of results; exits 1 with the failed checks.
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const ORIGIN = process.env.E2E_ORIGIN;
const APPROVE = process.env.E2E_APPROVE;
const DENY = process.env.E2E_DENY;
const SHOTS = process.env.E2E_SHOTS;
const TIMEOUT = 30_000;
// Offline and as root: no sandbox (root), and the proxy and resolver rules make off-machine traffic impossible while
// loopback still flows (Chromium bypasses the proxy for loopback).
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--proxy-server=http://127.0.0.1:9',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'];

const failures = [];
const results = { screenshots: [], firstScreenMs: [], offHost: [], pageErrors: [] };
const check = (ok, what) => { if (!ok) failures.push(what); return ok; };
/** A check the rest of the story depends on: it stops the story. */
const must = (ok, what) => { if (!ok) throw new Error(what); };
const ONLY = process.env.E2E_STORIES ? process.env.E2E_STORIES.split(',') : undefined;

mkdirSync(SHOTS, { recursive: true });
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'overturn-e2e-')), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: FLAGS,
  viewport: { width: 1366, height: 900 },
});
browser.setDefaultTimeout(TIMEOUT);
// Observed, never blocked (interception would suppress CORS preflights); the browser's own pages do not count.
browser.on('request', (r) => {
  const u = new URL(r.url());
  if (/^(https?|wss?):$/.test(u.protocol) && !['127.0.0.1', 'localhost'].includes(u.hostname)) results.offHost.push(r.url());
});

async function shot(page, name) {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  results.screenshots.push(path);
}

/** Follows a launch through sign-in (when the browser has no session yet) to the app's first screen. */
async function reachApp(page, story) {
  await page.waitForURL((u) => u.pathname === '/auth/login' || u.pathname === '/auth/patients' || u.pathname === '/app/');
  if (page.url().includes('/auth/login')) {
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/auth/patients' || u.pathname === '/app/');
  }
  if (page.url().includes('/auth/patients')) return;
  await page.getByTestId('patient-name').waitFor();
  await page.locator('#order, #result h2, [role=alert]').first().waitFor();
  // performance.now() counts from this document's navigation: token exchange, chart reads and first render.
  results.firstScreenMs.push({ story, ms: Math.round(await page.evaluate(() => performance.now())) });
}

async function unlabelled(page) {
  return page.evaluate(() => [...document.querySelectorAll('select, textarea, input:not([type=hidden])')]
    .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label')).map((el) => el.id || el.tagName));
}

async function run(name, story) {
  if (ONLY && !ONLY.includes(name)) return;
  const page = await browser.newPage();
  page.on('pageerror', (e) => results.pageErrors.push(`${name}: ${e.message}`));
  try {
    await story(page);
  } catch (e) {
    failures.push(`${name}: ${e.message.split('\n')[0]}`);
    await shot(page, `${name}-failed`).catch(() => {});
  } finally {
    await page.close();
  }
}

async function checkCoverage(page, expected) {
  await page.getByRole('button', { name: 'Check coverage' }).click();
  const summary = page.getByTestId('assessment-summary');
  await summary.waitFor();
  const text = await summary.textContent();
  must(text.includes(expected), `coverage summary "${text}" should say "${expected}"`);
}

async function prepareLetter(page) {
  await page.getByRole('button', { name: 'Prepare the request and letter' }).click();
  const letter = page.locator('#letter-text');
  await letter.waitFor();
  const generated = await letter.inputValue();
  check(generated.includes('alectinib') || generated.includes('Alecensa'), 'the letter should name the drug');
  return generated;
}

await run('alecensa-approved', async (page) => {
  await page.goto(`${ORIGIN}/auth/ehr-launch?patient=${APPROVE}&launch_uri=${encodeURIComponent(`${ORIGIN}/app/launch.html`)}`);
  await reachApp(page, 'EHR launch');
  check(/Marwick/.test(await page.getByTestId('patient-name').textContent()), 'the banner should name the patient');
  check((await unlabelled(page)).length === 0, `form fields without labels: ${await unlabelled(page)}`);
  await shot(page, '01-coverage-form');
  await checkCoverage(page, 'required criteria are met');
  const clocks = await page.getByTestId('clocks').textContent();
  check(clocks.includes('within 72 hours') && clocks.includes('within 24 hours'), `the PA decision clocks (DMHC: 72 h, 24 h urgent) should show, said "${clocks}"`);
  const met = await page.locator('li.criterion[data-status=met]').count();
  check(met >= 5, `5 criteria should be met, saw ${met}`);
  await page.locator('.evidence button').first().click();
  await page.locator('dialog#evidence[open]').waitFor();
  await shot(page, '02-coverage-met-evidence');
  await page.getByRole('button', { name: 'Close' }).click();
  await shot(page, '03-coverage-met');
  await page.setViewportSize({ width: 820, height: 1180 });
  await shot(page, '04-coverage-met-tablet');
  await page.setViewportSize({ width: 1366, height: 900 });

  const generated = await prepareLetter(page);
  const letter = page.locator('#letter-text');
  await letter.fill(`${generated}\nThe patient's brain metastases were confirmed on MRI on 2025-11-20.`);
  await page.getByRole('button', { name: 'Show changes' }).click();
  check((await page.locator('#changes').textContent()).includes('+ The patient\'s brain metastases'), 'the diff should show the added line');
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await page.locator('#status', { hasText: /Saved: version \d+ of the letter, with its PDF/ }).waitFor();
  check((await page.locator('#letter-text').inputValue()).includes('confirmed on MRI'), 'the saved version should hold the edit');
  check(await page.locator('iframe[title^="PDF of version"]').count() === 1, 'the preview should be the edited version\'s PDF');
  // The fax packet of the edited letter: its PDF exists now.
  const [packet] = await Promise.all([browser.waitForEvent('page'), page.getByRole('button', { name: 'Fax packet (PDF)' }).click()]);
  check(packet.url().startsWith('blob:'), `the fax packet should open as a PDF, opened ${packet.url()}`);
  await packet.close();
  await shot(page, '05-letter-edited-saved');

  await page.getByRole('button', { name: 'Continue to submit' }).click();
  await page.getByRole('button', { name: /^Submit to / }).click();
  const decision = page.getByTestId('decision');
  await decision.waitFor();
  check((await decision.textContent()) === 'Approved', `the sandbox payer should approve, said "${await decision.textContent()}"`);
  await shot(page, '06-submitted-approved');

  await page.getByRole('tab', { name: 'Cases' }).click();
  await page.locator('article.case').first().waitFor();
  check(await page.locator('article.case', { hasText: 'completed · approved' }).count() >= 1, 'the case board should show the approved request');
  await shot(page, '07-cases-approved');
  // Nothing of the chart in local storage: fhirclient keeps its session state in sessionStorage.
  const stored = await page.evaluate(() => Object.keys(localStorage));
  check(stored.length === 0, `local storage should be empty, holds ${stored}`);

  // Opened again: the case is read back from the server, where it was left.
  await page.reload();
  await page.getByTestId('assessment-summary').waitFor();
  await page.getByRole('tab', { name: 'Letter' }).click();
  await page.locator('#letter-text').waitFor();
  check((await page.locator('#letter-text').inputValue()).includes('confirmed on MRI'), 'the reopened letter should be the edited version');
  await page.getByRole('tab', { name: 'Submit' }).click();
  const again = page.getByTestId('decision');
  await again.waitFor();
  check((await again.textContent()) === 'Approved', `the reopened case should show the payer's decision, said "${await again.textContent()}"`);
  await shot(page, '17-reopened-case');
});

await run('alecensa-denied-appealed', async (page) => {
  await page.goto(`${ORIGIN}/auth/ehr-launch?patient=${DENY}&launch_uri=${encodeURIComponent(`${ORIGIN}/app/launch.html`)}`);
  await reachApp(page, 'EHR launch, signed in');
  await checkCoverage(page, 'not met');
  check(await page.locator('li.criterion').first().getAttribute('data-status') === 'not-met', 'the unmet criterion should come first');
  await shot(page, '08-coverage-not-met');
  await prepareLetter(page);
  await page.getByRole('button', { name: 'Continue to submit' }).click();
  await page.getByRole('button', { name: /^Submit to / }).click();
  const decision = page.getByTestId('decision');
  await decision.waitFor();
  check((await decision.textContent()) === 'Denied', `the sandbox payer should deny, said "${await decision.textContent()}"`);
  await shot(page, '09-submitted-denied');
  await page.getByRole('button', { name: 'Appeal this denial' }).click();
  const appeal = page.getByTestId('appeal');
  await appeal.waitFor();
  const appealText = await appeal.textContent();
  check(appealText.includes('Internal appeal filed') && appealText.includes('File by') && appealText.includes('left'),
    `the appeal should show its filing deadline, said "${appealText}"`);
  await shot(page, '10-appeal-filed');
  await page.getByRole('button', { name: 'Open the case board' }).click();
  const next = page.getByTestId('next-deadline').first();
  await next.waitFor();
  check((await next.textContent()).startsWith('Internal appeal:'), `the board should count down the appeal, said "${await next.textContent()}"`);
  check(await page.locator('svg.timeline circle').count() >= 3, 'the timeline should draw request, decision and deadline');
  await shot(page, '11-cases-appeal-deadline');

  // The plan upholds the denial: recorded on the appeal, the external review becomes fileable.
  await page.locator('form.decision-form select').first().selectOption('upheld');
  await page.getByRole('button', { name: 'Record the payer\'s decision' }).first().click();
  await page.getByRole('button', { name: 'Prepare the external review' }).first().click();
  await page.locator('#status', { hasText: 'External review prepared' }).waitFor();
  const reviewed = page.locator('article.case', { has: page.locator('li[data-step="external-review"]') }).first();
  await reviewed.waitFor();
  const review = await reviewed.getByTestId('next-deadline').textContent();
  check(review.startsWith('External review:'), `the board should count down the external review, said "${review}"`);
  await reviewed.getByRole('button', { name: 'Plain-language summary for the patient' }).click();
  const summary = await page.getByTestId('patient-summary').textContent();
  check(summary.length > 200, 'the patient summary should be written');
  await shot(page, '15-external-review-and-summary');
  await page.getByRole('button', { name: 'All open cases' }).click();
  await page.locator('article.case h3', { hasText: 'Marwick' }).first().waitFor();
  await shot(page, '16-practice-open-cases');
});

await run('cds-card-launch', async (page) => {
  // The EHR launches the app from the card's SMART link, handing over the card's appContext (assessment and order).
  const launch = new URLSearchParams({ patient: APPROVE, launch_uri: `${ORIGIN}/app/launch.html`, app_context: process.env.E2E_CARD_CONTEXT });
  await page.goto(`${ORIGIN}/auth/ehr-launch?${launch}`);
  await reachApp(page, 'CDS card launch');
  const summary = page.getByTestId('assessment-summary');
  await summary.waitFor();
  check((await summary.textContent()).includes('required criteria are met'), 'the card launch should open the card\'s assessment at once');
  const order = JSON.parse(process.env.E2E_CARD_CONTEXT).order;
  check(await page.locator('#order').inputValue() === order.split('/')[1], `the card's order ${order} should be selected`);
  await shot(page, '12-cds-card-launch');
});

await run('development-ehr', async (page) => {
  // The development EHR's patient list opens the app on the patient chosen.
  await page.goto(`${ORIGIN}/auth/ehr`);
  await page.locator(`a[href*="patient=${DENY}"]`, { hasText: 'Open Overturn' }).click();
  await reachApp(page, 'development EHR');
  await page.locator('#order').waitFor();
  await shot(page, '13-development-ehr-launch');
});

await run('standalone-launch', async (page) => {
  await browser.clearCookies();
  await page.goto(`${ORIGIN}/app/launch.html`);
  await reachApp(page, 'standalone');
  check(page.url().includes('/auth/patients'), `a standalone launch should ask for the patient, at ${page.url()}`);
  await page.locator(`a[href*="patient=${DENY}"]`).click();
  await reachApp(page, 'standalone launch');
  check((await page.getByTestId('patient-name').textContent()).length > 0, 'the picked patient should open');
  await shot(page, '14-standalone-launch');
  // Keyboard: arrow keys move between the tabs and focus stays on the tab chosen.
  await page.locator('#tab-coverage').focus();
  await page.keyboard.press('ArrowRight');
  await page.locator('#tab-letter[aria-selected="true"]').waitFor();
  check(await page.evaluate(() => document.activeElement?.id) === 'tab-letter', 'focus should stay on the tab chosen by keyboard');
});

await browser.close();
check(results.offHost.length === 0, `requests left the machine: ${results.offHost.join(', ')}`);
check(results.pageErrors.length === 0, `errors in the page: ${results.pageErrors.join('; ')}`);
console.log(JSON.stringify({ ...results, failures }));
process.exit(failures.length === 0 ? 0 : 1);
