import { NotFoundPage } from '../../shell/pages.tsx';
import type { PartProps } from '../CooperationArea.tsx';
import { JitListPage } from './JitListPage.tsx';
import { JitPage } from './JitPage.tsx';

/**
 * Joint investigation teams with other nodes: `/cooperation/jit` lists the teams this node takes part in and sets new
 * ones up; `/cooperation/jit/<id>` is a team's agreement and shared space.
 */
export function JitArea({ user, rest }: PartProps) {
  if (rest === '') return <JitListPage user={user} />;
  const [, id = '', ...deeper] = rest.split('/');
  if (!id || deeper.length > 0) return <NotFoundPage />;
  const jitId = decodeURIComponent(id);
  return <JitPage key={jitId} id={jitId} user={user} />;
}
