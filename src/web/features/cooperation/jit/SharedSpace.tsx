import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../../api.ts';
import { TextAreaField } from '../../../components/Field.tsx';
import { HandlingFields, handlingFrom } from '../../../components/Handling.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { EvidenceForm } from './EvidenceForm.tsx';
import { JitTimeline } from './JitTimeline.tsx';
import { allowsInJit, type JitEntry, type JitSpace, jitApi } from './jit-api.ts';
import { JitProblem, useJitForm } from './jit-errors.tsx';
import { TaskSection } from './TaskSection.tsx';

interface SharedSpaceProps {
  space: JitSpace;
  user: SessionUser;
  ownNode: string | null;
  /** An entry this user just wrote, to show without reading the space again. */
  onEntry(entry: JitEntry): void;
  /** The space changed in a way only a new read shows (e.g. a task done by another party meanwhile). */
  onStale(): void;
}

/** The shared space of a team: its timeline, the message box, the tasks and the evidence shared with the parties. */
export function SharedSpace({ space, user, ownNode, onEntry, onStale }: SharedSpaceProps) {
  const canWrite = allowsInJit(user, 'jit.write', space) && !space.ended;
  return (
    <>
      <JitTimeline space={space} ownNode={ownNode} />
      {canWrite && <MessageForm jitId={space.id} onPosted={onEntry} />}
      <TaskSection space={space} canWrite={canWrite} onEntry={onEntry} onStale={onStale} />
      {canWrite && <EvidenceForm space={space} ownNode={ownNode} onShared={onEntry} />}
    </>
  );
}

/** A message to every party of the team; it stays on the timeline of each. */
function MessageForm({ jitId, onPosted }: { jitId: string; onPosted(entry: JitEntry): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const [sent, setSent] = useState<string | null>(null);
  const form = useJitForm(
    async (data, element) => {
      setSent(null);
      const text = fieldText(data, 'text');
      if (!text) throw new JitProblem('text_missing', 'text');
      onPosted(await jitApi.postMessage(jitId, text, handlingFrom(data)));
      element.reset();
      setSent(t('cooperation.jit.message.sent'));
    },
    { jit_ended: 'text' },
  );
  return (
    <form className="form section" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h2 id={`${ids}-title`}>{t('cooperation.jit.message.title')}</h2>
      <p role="status" className={sent ? 'notice' : undefined}>
        {sent}
      </p>
      {form.error}
      <TextAreaField
        label={t('cooperation.jit.message.text')}
        hint={t('cooperation.jit.message.hint')}
        name="text"
        required
        maxLength={10_000}
        rows={4}
        errorId={form.errorFor('text')}
      />
      <HandlingFields />
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('cooperation.jit.working') : t('cooperation.jit.message.submit')}
      </button>
    </form>
  );
}
