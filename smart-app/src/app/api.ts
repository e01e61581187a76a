// Calls to a FHIR server with the SMART access token; failures become errors that say what the server said.
import type { Bundle, Resource } from './fhir';

export class FhirError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The words of an OperationOutcome (each issue's details text or diagnostics), else a fallback for the status. */
export function outcomeText(status: number, body: unknown): string {
  const issues = (body as { resourceType?: string; issue?: { diagnostics?: string; details?: { text?: string } }[] } | undefined);
  const words = issues?.resourceType === 'OperationOutcome'
    ? (issues.issue ?? []).map((i) => i.details?.text ?? i.diagnostics).filter((s): s is string => !!s)
    : [];
  if (words.length > 0) return words.join(' ');
  if (status === 401) return 'The session has expired or was not accepted: launch the app again from the chart.';
  if (status === 403) return 'Your access does not include this. Ask for the scope it needs, or launch with a user-level login.';
  if (status === 404) return 'Not found on the server.';
  if (status >= 500) return `The server failed (HTTP ${status}). Try again; if it persists, tell your administrator.`;
  return `The server refused the request (HTTP ${status}).`;
}

export interface Api {
  base: string;
  get<T extends Resource = Resource>(path: string): Promise<T>;
  search<T extends Resource = Resource>(path: string): Promise<T[]>;
  post<T extends Resource = Resource>(path: string, body: unknown): Promise<T>;
  put<T extends Resource = Resource>(path: string, body: unknown, ifMatch?: string): Promise<T>;
}

/** Requests in flight at once: below the server's per-client limit (4 by default), so the app never earns a 429. */
export const MAX_IN_FLIGHT = 3;
const RETRIES_AFTER_429 = 3;

/** A counting gate: at most {@code limit} tasks run at once, the rest wait in order. */
export function gate(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

export function makeApi(base: string, authorization: () => string | null): Api {
  const root = base.replace(/\/+$/, '');
  const limited = gate(MAX_IN_FLIGHT);
  const call = <T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<T> =>
    limited(() => send<T>(method, path, body, extra, RETRIES_AFTER_429));
  const send = async <T>(method: string, path: string, body: unknown, extra: Record<string, string>, retries: number): Promise<T> => {
    const headers: Record<string, string> = { Accept: 'application/fhir+json', ...extra };
    const auth = authorization();
    if (auth) headers.Authorization = auth;
    if (body !== undefined) headers['Content-Type'] = 'application/fhir+json';
    let response: Response;
    try {
      response = await fetch(/^https?:/.test(path) ? path : path === '' ? root : `${root}/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new FhirError(0, `Could not reach ${root}: check the network or that the server is running.`);
    }
    if (response.status === 429 && retries > 0) {
      // Another tab or app with the same token: wait as the server asks, then try again.
      const seconds = Number(response.headers.get('Retry-After')) || 1;
      await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 10) * 1000));
      return send<T>(method, path, body, extra, retries - 1);
    }
    const text = await response.text();
    let parsed: unknown;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
    if (!response.ok) throw new FhirError(response.status, outcomeText(response.status, parsed));
    return parsed as T;
  };
  return {
    base: root,
    get: (path) => call('GET', path),
    search: async <T extends Resource>(path: string) => {
      const bundle = await call<Bundle>('GET', path);
      return (bundle.entry ?? []).filter((e) => (e as { search?: { mode?: string } }).search?.mode !== 'outcome')
        .map((e) => e.resource).filter((r): r is Resource => !!r) as T[];
    },
    post: (path, body) => call('POST', path, body),
    put: (path, body, ifMatch) => call('PUT', path, body, ifMatch ? { 'If-Match': ifMatch } : {}),
  };
}

/** UTF-8 text from an attachment's base64 data. */
export function decodeBase64(data: string): string {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** An attachment's base64 data from UTF-8 text. */
export function encodeBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
