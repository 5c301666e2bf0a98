/** Importing and downloading HTCDS spreadsheets, as the web app sees it. */

import type { ImportResult, RowError } from '../../../modules/htcds/htcds.schema.ts';
import { ApiError, csrfHeaders, toApiError, type UploadProgress, upload } from '../../api.ts';

export type { ImportResult };
export type RejectedRow = RowError;

/** The rows of an import that the node refused as a whole (`import_rejected`): nothing was imported. */
export function rejectedRowsOf(error: unknown): RejectedRow[] | null {
  if (!(error instanceof ApiError) || error.id !== 'import_rejected') return null;
  const rejected = (error.details as { rejected?: unknown } | null | undefined)?.rejected;
  if (!Array.isArray(rejected)) return [];
  return rejected.filter(
    (r): r is RejectedRow =>
      typeof r?.row === 'number' && typeof r?.column === 'string' && typeof r?.reason === 'string',
  );
}

export const htcdsApi = {
  import(
    agencyId: string,
    file: File,
    partial: boolean,
    events: { onProgress(progress: UploadProgress): void; onSent(): void },
  ): Promise<ImportResult> {
    const params = new URLSearchParams({ agencyId, partial: String(partial) });
    return upload<ImportResult>(`/api/htcds/imports?${params}`, file, events);
  },
  /**
   * The rows of `file` that an import refuses, as a spreadsheet with a column saying why: the node reads the file
   * again and imports nothing. The rows hold what the user typed, so they are fetched only when asked for.
   */
  async rejectedRows(agencyId: string, file: File): Promise<Blob> {
    const body = new FormData();
    body.append('file', file);
    let response: Response;
    try {
      response = await fetch(`/api/htcds/imports/rejected?${new URLSearchParams({ agencyId, format: 'xlsx' })}`, {
        method: 'POST',
        headers: csrfHeaders(),
        body,
        credentials: 'same-origin',
      });
    } catch {
      throw new ApiError('network', 0, 'Could not reach the server for the rejected rows');
    }
    if (!response.ok) throw await toApiError(response);
    return response.blob();
  },
  /** The agency's cases without identities: a download, so a plain link rather than a request of the app. */
  exportUrl: (agencyId: string) => `/api/htcds/export?${new URLSearchParams({ agencyId, format: 'xlsx' })}`,
};
