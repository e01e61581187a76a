// Drives Overturn's CDS Hooks services with @medplum/core, a CDS client we did not write, so that the wire format
// (discovery, prefetch templates, request and response shapes) is checked by someone else's code.
//
// usage: node check-cds.mjs --base-url http://localhost:8080 --request order-sign-no-prefetch.json [--expect cds.json]
//   --base-url  Overturn's root: FHIR at <base>/fhir (playing the EHR), CDS services at <base>/cds-services
//   --request   a hook request fixture (test-fixtures hooks/*.json); only its hook and context are used, the
//               prefetch is resolved by the client against <base>/fhir, which must already hold the chart
//   --expect    the scenario's expected.json "cdsHooks" object
// Exits 0 when every check passes, 1 listing the failed checks, 2 when the run itself broke.

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

// @medplum/core references the global WebSocket when it loads (subscriptions, FHIRcast); Node 20 has none, and these
// checks open no socket. Set before the dynamic import below: static imports would run first.
if (typeof globalThis.WebSocket === 'undefined') {
  globalThis.WebSocket = class WebSocketUnavailable {
    constructor() {
      throw new Error('WebSocket is not available in this check');
    }
  };
}
const { MedplumClient, buildCdsRequest } = await import('@medplum/core');

const SERVICES = {
  'overturn-order-select': 'order-select',
  'overturn-order-sign': 'order-sign',
  'overturn-patient-view': 'patient-view',
};
const COVERAGE_INFORMATION = 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information';

const failures = [];
function check(ok, message) {
  if (!ok) {
    failures.push(message);
  }
  return ok;
}

function coverageInformation(resource) {
  const info = (resource?.extension ?? []).find((e) => e.url === COVERAGE_INFORMATION);
  if (!info) {
    return undefined;
  }
  const values = {};
  for (const e of info.extension ?? []) {
    const key = Object.keys(e).find((k) => k.startsWith('value'));
    values[e.url] = key === 'valueReference' ? e[key].reference : e[key];
  }
  return values;
}

function checkCard(card, where) {
  check(typeof card.summary === 'string' && card.summary.length > 0, `${where}: summary missing`);
  check((card.summary ?? '').length <= 140, `${where}: summary is ${card.summary?.length} characters, over 140`);
  check(['info', 'warning', 'critical'].includes(card.indicator), `${where}: indicator '${card.indicator}' is not info/warning/critical`);
  check(typeof card.source?.label === 'string' && card.source.label.length > 0, `${where}: source.label missing`);
}

async function main() {
  const { values: args } = parseArgs({
    options: { 'base-url': { type: 'string' }, request: { type: 'string' }, expect: { type: 'string' } },
  });
  if (!args['base-url'] || !args.request) {
    throw new Error('usage: node check-cds.mjs --base-url <Overturn root URL> --request <hook request JSON> [--expect <JSON>]');
  }
  const fixture = JSON.parse(await readFile(args.request, 'utf8'));
  const expected = args.expect ? JSON.parse(await readFile(args.expect, 'utf8')) : undefined;
  const serviceId = `overturn-${fixture.hook}`;

  const medplum = new MedplumClient({ baseUrl: args['base-url'], fhirUrlPath: 'fhir', cdsServicesUrl: 'cds-services' });

  // Discovery.
  const discovery = await medplum.getCdsServices();
  const services = discovery.services ?? [];
  check(services.length === Object.keys(SERVICES).length, `discovery lists ${services.length} services, expected ${Object.keys(SERVICES).length}`);
  for (const [id, hook] of Object.entries(SERVICES)) {
    const service = services.find((s) => s.id === id);
    if (check(service, `discovery lacks ${id}`)) {
      check(service.hook === hook, `${id} declares hook '${service.hook}', expected '${hook}'`);
      check(typeof service.description === 'string' && service.description.length > 0, `${id} has no description`);
      check(service.prefetch?.patient === 'Patient/{{context.patientId}}', `${id} has no patient prefetch template`);
    }
  }
  const service = services.find((s) => s.id === serviceId);
  if (!service) {
    throw new Error(`no service ${serviceId} to call; failures so far: ${failures.join('; ')}`);
  }

  // The client resolves every prefetch template against Overturn's /fhir, which plays the EHR here.
  const [userType, userId] = String(fixture.context.userId).split('/');
  const user = await medplum.readResource(userType, userId);
  const request = await buildCdsRequest(medplum, user, service, fixture.context);
  for (const key of Object.keys(service.prefetch ?? {})) {
    check(request.prefetch?.[key], `prefetch '${key}' resolved to nothing`);
  }
  check(request.prefetch?.patient?.id === fixture.context.patientId, 'prefetch patient is not the context patient');
  const coverage = request.prefetch?.coverage?.entry ?? [];
  check(coverage.some((e) => e.resource?.resourceType === 'Coverage'), 'prefetch coverage holds no Coverage');
  check(coverage.some((e) => e.resource?.resourceType === 'Organization'), 'prefetch coverage did not _include the payer');
  check((request.prefetch?.biomarkers?.entry ?? []).length > 0, 'prefetch biomarkers found no Observation');

  const drafts = (fixture.context.draftOrders?.entry ?? []).map((e) => e.resource);
  const answers = [];
  for (let call = 1; call <= 2; call++) {
    const response = await medplum.callCdsService(serviceId, request);
    check(Array.isArray(response.cards) && response.cards.length > 0, `call ${call}: no cards`);
    (response.cards ?? []).forEach((card, i) => checkCard(card, `call ${call} card ${i}`));
    const actions = response.systemActions ?? [];
    check(actions.length === drafts.length, `call ${call}: ${actions.length} systemActions for ${drafts.length} draft orders`);
    for (const draft of drafts) {
      const action = actions.find((a) => a.resource?.resourceType === draft.resourceType && a.resource?.id === draft.id);
      if (!check(action, `call ${call}: no systemAction for ${draft.resourceType}/${draft.id}`)) {
        continue;
      }
      check(action.type === 'update', `call ${call}: systemAction type '${action.type}', expected 'update'`);
      check(typeof action.description === 'string' && action.description.length > 0, `call ${call}: systemAction without description`);
      const info = coverageInformation(action.resource);
      if (!check(info, `call ${call}: ${draft.id} lacks the coverage-information extension`)) {
        continue;
      }
      check(['covered', 'not-covered', 'conditional'].includes(info.covered), `call ${call}: covered '${info.covered}' is not a CRD code`);
      if (info.covered === 'not-covered') {
        check(info['pa-needed'] === undefined, `call ${call}: pa-needed '${info['pa-needed']}' with not-covered (CRD crd-ci-q2)`);
      } else {
        check(['no-auth', 'auth-needed', 'satisfied', 'performpa', 'conditional'].includes(info['pa-needed']),
          `call ${call}: pa-needed '${info['pa-needed']}' is not a CRD code`);
      }
      check(typeof info['coverage-assertion-id'] === 'string' && info['coverage-assertion-id'].length > 0,
        `call ${call}: no coverage-assertion-id`);
      answers.push({ call, card: response.cards?.[0], info });
    }
  }

  const [first, second] = answers;
  if (first && second) {
    check(first.info['coverage-assertion-id'] === second.info['coverage-assertion-id'],
      `coverage-assertion-id changed between calls: ${first.info['coverage-assertion-id']} vs ${second.info['coverage-assertion-id']}`);
  }
  if (expected && first) {
    check(first.card?.indicator === expected.indicator, `card indicator '${first.card?.indicator}', expected '${expected.indicator}'`);
    for (const text of expected.summaryMustContain ?? []) {
      check(first.card?.summary?.includes(text), `card summary '${first.card?.summary}' lacks '${text}'`);
    }
    for (const text of expected.detailMustContain ?? []) {
      check(first.card?.detail?.includes(text), `card detail lacks '${text}'`);
    }
    for (const [name, value] of Object.entries(expected.coverageInformation ?? {})) {
      check((first.info[name] ?? null) === value, `coverage-information ${name} is '${first.info[name]}', expected '${value}'`);
    }
  }

  // An unknown service must fail the call rather than answer.
  let unknownRejected = false;
  try {
    await medplum.callCdsService('overturn-no-such-service', request);
  } catch {
    unknownRejected = true;
  }
  check(unknownRejected, 'a call to an unknown service did not fail');

  if (failures.length > 0) {
    console.error(`@medplum/core CDS check FAILED (${failures.length}):`);
    failures.forEach((f) => console.error(`  - ${f}`));
    process.exit(1);
  }
  const card = first?.card;
  console.log(`@medplum/core CDS check passed: ${services.length} services; ${serviceId} answered "${card?.summary}" (${card?.indicator}), `
    + `coverage-information covered=${first?.info.covered} pa-needed=${first?.info['pa-needed']}`);
}

try {
  await main();
} catch (e) {
  console.error(`@medplum/core CDS check could not run: ${e?.stack ?? e}`);
  process.exit(2);
}
