// launch.html: the SMART authorization request. An EHR launch brings iss and launch; without them this is a
// standalone launch against the FHIR server that serves the app, and the user picks the patient.
import FHIR from 'fhirclient';

const params = new URLSearchParams(location.search);
const ehrLaunch = params.has('iss') && params.has('launch');
const clientId = params.get('client_id')
  ?? document.querySelector<HTMLMetaElement>('meta[name="smart-client-id"]')?.content ?? 'overturn-smart-app';
// patient/* for the chart, user/* for the payer-facing work (requests, appeals, the practice's case board).
const access = 'openid fhirUser patient/*.cruds user/*.cruds';

FHIR.oauth2.authorize({
  clientId,
  scope: ehrLaunch ? `launch ${access}` : `launch/patient ${access}`,
  redirectUri: new URL('./', location.href).href,
  pkceMode: 'required',
  ...(ehrLaunch ? {} : { iss: params.get('iss') ?? new URL('../fhir', location.href).href }),
}).catch((error: unknown) => {
  const status = document.getElementById('status');
  if (status) status.textContent = `Could not start the sign-in: ${error instanceof Error ? error.message : String(error)}`;
});
