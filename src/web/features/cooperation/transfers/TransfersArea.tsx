import { useState } from 'react';
import { NotFoundPage } from '../../shell/pages.tsx';
import type { PartProps } from '../CooperationArea.tsx';
import { TransferPage } from './TransferPage.tsx';
import { TransfersListPage } from './TransfersListPage.tsx';
import type { TransferFilter } from './transfers-api.ts';

/**
 * Evidence handed over to and received from peer nodes: `/cooperation/transfers` lists the transfers and the
 * permission requests about received items, `/<id>` shows one transfer with its items and the decisions open to
 * this node.
 */
export function TransfersArea({ user, rest }: PartProps) {
  // Kept here, so that the list comes back as it was left after a look at a transfer; received ones come first.
  const [filter, setFilter] = useState<TransferFilter>({ direction: 'in' });
  if (rest === '') return <TransfersListPage user={user} filter={filter} onFilter={setFilter} />;
  const [, id = '', ...deeper] = rest.split('/');
  if (!id || deeper.length > 0) return <NotFoundPage />;
  const transferId = decodeURIComponent(id);
  return <TransferPage key={transferId} id={transferId} user={user} />;
}
