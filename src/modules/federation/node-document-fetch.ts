/** Fetching another node's public document (`/.well-known/passage-node`), bounded in size and time. */
import { AppError } from '../../lib/errors.ts';
import { NODE_DOCUMENT_PATH, NodeDocumentError, type PeerDocument, parseNodeDocument } from './node-document.ts';

const FETCH_TIMEOUT_MS = 10_000;
const MAX_DOCUMENT_BYTES = 64 * 1024;

const unreachable = (baseUrl: string, why: string) =>
  new AppError('peer_unreachable', 502, `The node at ${baseUrl} could not be reached: ${why}.`);

export const invalidDocument = (baseUrl: string, why: string) =>
  new AppError(
    'peer_document_invalid',
    502,
    `The node at ${baseUrl} published no valid ${NODE_DOCUMENT_PATH}: ${why}.`,
  );

/** Fetches and checks a node's document: at most 64 KiB within 10 seconds, and no redirect followed. */
export async function fetchNodeDocument(baseUrl: string): Promise<PeerDocument> {
  let bytes: Uint8Array;
  try {
    const response = await fetch(`${baseUrl}${NODE_DOCUMENT_PATH}`, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      throw unreachable(
        baseUrl,
        location
          ? `it redirects to ${location}; add the peer by the URL it should be reached at`
          : `it answered HTTP ${response.status} for ${NODE_DOCUMENT_PATH}`,
      );
    }
    const body = await readAtMost(response, MAX_DOCUMENT_BYTES);
    if (!body) throw invalidDocument(baseUrl, 'it is larger than 64 KiB');
    bytes = body;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unreachable(baseUrl, describeFetchError(error));
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalidDocument(baseUrl, 'it is not JSON');
  }
  try {
    return parseNodeDocument(value);
  } catch (error) {
    if (error instanceof NodeDocumentError) throw invalidDocument(baseUrl, error.message);
    throw error;
  }
}

/** The body, or null as soon as it proves longer than `limit` bytes (the rest is not read). */
async function readAtMost(response: Response, limit: number): Promise<Uint8Array | null> {
  if (Number(response.headers.get('content-length')) > limit) {
    await response.body?.cancel();
    return null;
  }
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
  }
  return Buffer.concat(chunks);
}

const CONNECTION_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name is not known',
  EAI_AGAIN: 'the host name could not be looked up',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
};

/** Why a fetch failed, from the error's code: never a stack. */
function describeFetchError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `it did not answer within ${FETCH_TIMEOUT_MS / 1000} seconds`;
  }
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code && CONNECTION_ERRORS[code]) return `${CONNECTION_ERRORS[code]} (${code})`;
  if (code && /CERT|TLS|SSL/.test(code)) return `its TLS certificate was not accepted (${code})`;
  if (code) return `the request failed (${code})`;
  return 'the request failed';
}
