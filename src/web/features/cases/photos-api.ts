/** The survivor's photos as the web app sees them; the types are the API's schemas. */
import type { Photo } from '../../../modules/survivors/photos.schema.ts';
import { ApiError, type Purpose, request, toApiError, upload } from '../../api.ts';

export type { Photo };

const path = (caseId: string, rest = '') => `/api/cases/${encodeURIComponent(caseId)}/identity/photos${rest}`;

export const photosApi = {
  list: (caseId: string) => request<Photo[]>('GET', path(caseId)),
  /** The image itself, for a stated purpose: the node records the view as a disclosure. */
  async image(caseId: string, photoId: string, purpose: Purpose): Promise<Blob> {
    const url = path(caseId, `/${encodeURIComponent(photoId)}?${new URLSearchParams({ purpose })}`);
    let response: Response;
    try {
      response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
    } catch {
      throw new ApiError('network', 0, `Could not reach the server for GET ${url}`);
    }
    if (!response.ok) throw await toApiError(response);
    return response.blob();
  },
  add: (caseId: string, file: File) => upload<Photo>(path(caseId), file, { onProgress() {}, onSent() {} }),
  remove: (caseId: string, photoId: string) => request<void>('DELETE', path(caseId, `/${encodeURIComponent(photoId)}`)),
};
