import { useState } from 'react';
import { allows } from '../../cases/vocabulary.ts';
import { NotFoundPage } from '../../shell/pages.tsx';
import type { PartProps } from '../CooperationArea.tsx';
import { EditRequestPage, NewRequestPage } from './DraftPages.tsx';
import { type ListFilter, MlaListPage } from './MlaListPage.tsx';
import { RequestPage } from './RequestPage.tsx';

const FIRST_PAGE: ListFilter = { limit: 50, offset: 0 };

/**
 * Requests for mutual legal assistance (in the manner of a European Investigation Order) to and from peer nodes:
 * `/cooperation/mla` lists them with their deadlines, `/new` drafts one, `/<id>` shows one with the steps open to this
 * node, `/<id>/edit` changes a draft.
 */
export function MlaArea({ user, rest }: PartProps) {
  // Kept here, so that the list comes back as it was left after a look at a request.
  const [filter, setFilter] = useState<ListFilter>(FIRST_PAGE);
  const canManage = allows(user, 'mla.manage', null);
  if (rest === '') return <MlaListPage filter={filter} onFilter={setFilter} canManage={canManage} />;
  if (rest === '/new') return canManage ? <NewRequestPage /> : <NotFoundPage />;
  const [, id = '', below, ...deeper] = rest.split('/');
  if (!id || deeper.length > 0) return <NotFoundPage />;
  const requestId = decodeURIComponent(id);
  if (below === undefined) return <RequestPage key={requestId} id={requestId} user={user} />;
  if (below === 'edit' && canManage) return <EditRequestPage key={requestId} id={requestId} user={user} />;
  return <NotFoundPage />;
}
