// Letter: the medical-necessity letter the server wrote from the chart, editable, with the changes shown against the
// generated text; saved as a new version of its DocumentReference with a Provenance naming the editor, and its PDF
// drawn again by the server from the edited text.
import { decodeBase64, encodeBase64 } from '../api';
import type { Ctx } from '../context';
import { changed, lineDiff } from '../diff';
import { h, replace } from '../dom';
import type { Bundle, Resource } from '../fhir';

interface Attachment { contentType?: string; data?: string; title?: string }
interface Content { attachment: Attachment }

export function attachment(doc: Resource, type: string): Attachment | undefined {
  return ((doc.content as Content[] | undefined) ?? []).map((c) => c.attachment).find((a) => a.contentType?.startsWith(type));
}

export async function showLetter(ctx: Ctx, view: HTMLElement): Promise<void> {
  const claim = ctx.state.claim;
  if (!claim) {
    replace(view, h('p', {}, 'Check coverage and prepare the request first.'),
      h('button', { type: 'button', onclick: () => ctx.go('coverage') }, 'Go to the coverage check'));
    return;
  }
  if (!ctx.state.letter) {
    ctx.say('Writing the letter from the chart…');
    const doc = await ctx.overturn.post(`Claim/${claim.id}/$generate-letter`,
      { resourceType: 'Parameters', parameter: [{ name: 'kind', valueCode: 'medical-necessity' }] });
    ctx.state.letter = doc;
    ctx.state.generatedText = decodeBase64(attachment(doc, 'text/markdown')?.data ?? '');
    ctx.state.generatedPdf = attachment(doc, 'application/pdf')?.data;
    ctx.say('');
  }
  render(ctx, view);
}

function render(ctx: Ctx, view: HTMLElement): void {
  const doc = ctx.state.letter as Resource;
  const generated = ctx.state.generatedText ?? '';
  const current = decodeBase64(attachment(doc, 'text/markdown')?.data ?? '');
  const text = h('textarea', { id: 'letter-text', rows: '28', spellcheck: 'true' }) as HTMLTextAreaElement;
  text.value = current;
  const changes = h('section', { id: 'changes', 'aria-live': 'polite' });
  const showChanges = () => {
    const diff = lineDiff(generated, text.value);
    const n = changed(diff);
    replace(changes, h('h3', {}, n === 0 ? 'No changes from the generated letter' : `Changes from the generated letter (${n} lines)`),
      n === 0 ? null : h('pre', { class: 'diff' }, diff.filter((d) => d.kind !== 'same').map((d) =>
        h(d.kind === 'added' ? 'ins' : 'del', {}, `${d.kind === 'added' ? '+ ' : '- '}${d.text}\n`))));
  };
  const save = h('button', { type: 'button', class: 'primary' }, 'Save as new version');
  save.addEventListener('click', async () => {
    save.setAttribute('disabled', '');
    try {
      ctx.state.letter = await saveVersion(ctx, doc, text.value);
      ctx.say(`Saved: version ${ctx.state.letter.meta?.versionId ?? ''} of the letter, with its PDF.`);
      render(ctx, view);
    } catch (error) {
      ctx.say(`Could not save the letter: ${(error as Error).message}`, 'error');
      save.removeAttribute('disabled');
    }
  });
  const own = attachment(doc, 'application/pdf')?.data;
  const pdf = own ?? ctx.state.generatedPdf;
  const pdfTitle = own ? `PDF of version ${doc.meta?.versionId ?? '1'}` : 'PDF as generated';
  const preview = pdf ? h('iframe', { title: pdfTitle, class: 'pdf', src: URL.createObjectURL(pdfBlob(pdf)) }) : null;
  const fax = h('button', { type: 'button' }, 'Fax packet (PDF)');
  fax.addEventListener('click', async () => {
    try {
      const packet = await ctx.overturn.post(`Claim/${(ctx.state.claim as Resource).id}/$fax-packet`,
        { resourceType: 'Parameters', parameter: [{ name: 'letter', valueReference: { reference: `DocumentReference/${doc.id}` } }] });
      const data = attachment(packet, 'application/pdf')?.data ?? (packet.data as string | undefined);
      if (!data) throw new Error('The server answered without a PDF.');
      window.open(URL.createObjectURL(pdfBlob(data)), '_blank');
    } catch (error) {
      ctx.say(`Could not make the fax packet: ${(error as Error).message}`, 'error');
    }
  });
  replace(view,
    h('h2', {}, 'Medical-necessity letter'),
    h('p', { class: 'source' }, `Version ${doc.meta?.versionId ?? '1'}${doc.meta?.lastUpdated ? `, ${doc.meta.lastUpdated.slice(0, 16).replace('T', ' ')}` : ''}. Every fact comes from the chart or a cited source; edit what the payer should read differently.`),
    h('div', { class: 'letter' },
      h('div', {}, h('label', { for: 'letter-text' }, 'Letter text (Markdown)'), text,
        h('div', { class: 'actions' }, h('button', { type: 'button', onclick: showChanges }, 'Show changes'), save, fax,
          h('button', { type: 'button', onclick: () => ctx.go('submit') }, 'Continue to submit'))),
      preview ? h('div', {}, h('h3', {}, pdfTitle), preview) : null),
    changes);
}

/** The edited text as the next version of the DocumentReference, and a Provenance naming the editor, in one transaction. */
async function saveVersion(ctx: Ctx, doc: Resource, text: string): Promise<Resource> {
  const content = ((doc.content as Content[] | undefined) ?? [])
    // The generated PDF no longer says what the edited text says: $render-pdf draws the new one.
    .filter((c) => !c.attachment.contentType?.startsWith('application/pdf'))
    .map((c) => c.attachment.contentType?.startsWith('text/markdown')
      ? { ...c, attachment: { ...c.attachment, data: encodeBase64(text) } } : c);
  const next: Resource = { ...doc, content, meta: undefined };
  const provenance: Resource = {
    resourceType: 'Provenance',
    target: [{ reference: `DocumentReference/${doc.id}` }],
    recorded: new Date().toISOString(),
    activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'UPDATE' }] },
    agent: [{
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }] },
      who: ctx.user ? { reference: ctx.user } : { display: 'the signed-in user' },
    }],
    reason: [{ text: 'Letter edited before sending' }],
  };
  const answer = await ctx.overturn.post<Bundle>('', {
    resourceType: 'Bundle', type: 'transaction',
    entry: [
      { resource: next, request: { method: 'PUT', url: `DocumentReference/${doc.id}`, ifMatch: `W/"${doc.meta?.versionId ?? '1'}"` } },
      { resource: provenance, request: { method: 'POST', url: 'Provenance' } },
    ],
  });
  if (!answer.entry?.length) throw new Error('The server did not confirm the save.');
  // The server draws the PDF of the edited text (the next version), so the fax packet and the preview match it.
  return ctx.overturn.post(`DocumentReference/${doc.id}/$render-pdf`, { resourceType: 'Parameters' });
}

function pdfBlob(data: string): Blob {
  return new Blob([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], { type: 'application/pdf' });
}
