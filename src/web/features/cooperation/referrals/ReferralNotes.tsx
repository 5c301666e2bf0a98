import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../../api.ts';
import { TextAreaField } from '../../../components/Field.tsx';
import { ScrollingTable } from '../../../components/ScrollingTable.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { Loaded, useResource } from '../../../components/useResource.tsx';
import { DATE_TIME, useDateFormat } from '../../../i18n/format.ts';
import { isolate } from '../../../i18n/i18n.ts';
import { isSelf } from '../../cases/vocabulary.ts';
import { type CrossBorderReferral, isOpen, type ReferralNote, xbApi } from './referrals-api.ts';
import { ReferralProblem, useReferralForm } from './referrals-errors.tsx';

/**
 * The status notes of a referral, written on either node and sent encrypted to the other, oldest first; the node
 * records each read. While the referral is open, one more can be written.
 */
export function ReferralNotes({ referral, user }: { referral: CrossBorderReferral; user: SessionUser }) {
  const { t } = useTranslation();
  const ids = useId();
  const notes = useResource(useCallback(() => xbApi.notes(referral.id), [referral.id]));
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.referrals.notes.title')}</h2>
      <p className="hint">{t('cooperation.referrals.notes.intro', { peer: referral.peer })}</p>
      <Loaded resource={notes}>
        {(rows) =>
          rows.length === 0 ? (
            <p>{t('cooperation.referrals.notes.none')}</p>
          ) : (
            <NotesTable rows={rows} referral={referral} user={user} />
          )
        }
      </Loaded>
      {isOpen(referral) && <NoteForm referral={referral} onAdded={notes.reload} />}
    </section>
  );
}

function NotesTable({
  rows,
  referral,
  user,
}: {
  rows: ReferralNote[];
  referral: CrossBorderReferral;
  user: SessionUser;
}) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  const author = (note: ReferralNote) =>
    note.node === referral.peer
      ? t('cooperation.referrals.notes.fromPeer', { peer: note.nodeName ?? note.node })
      : isSelf(user, note.author)
        ? t('case.you', { name: isolate(user.displayName) })
        : note.authorName
          ? isolate(note.authorName)
          : t('cooperation.referrals.notes.thisNode');
  return (
    <ScrollingTable caption={t('cooperation.referrals.notes.caption', { count: rows.length })}>
      <thead>
        <tr>
          <th scope="col">{t('cooperation.referrals.notes.at')}</th>
          <th scope="col">{t('cooperation.referrals.notes.author')}</th>
          <th scope="col">{t('cooperation.referrals.notes.text')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((note) => (
          <tr key={note.id}>
            <th scope="row">
              <time dateTime={note.at}>{formatTime(note.at)}</time>
            </th>
            <td>{author(note)}</td>
            <td>{note.text ?? <em>{t('cooperation.referrals.notes.erased')}</em>}</td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}

function NoteForm({ referral, onAdded }: { referral: CrossBorderReferral; onAdded(): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const [sent, setSent] = useState<string | null>(null);
  const form = useReferralForm(async (data, element) => {
    setSent(null);
    const text = fieldText(data, 'text');
    if (!text) throw new ReferralProblem('note_missing', 'text');
    await xbApi.addNote(referral.id, text);
    element.reset();
    setSent(t('cooperation.referrals.notes.sent', { peer: referral.peer }));
    onAdded();
  });
  return (
    <form className="form subsection" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h3 id={`${ids}-title`}>{t('cooperation.referrals.notes.formTitle')}</h3>
      <p role="status" className={sent ? 'notice' : undefined}>
        {sent}
      </p>
      {form.error}
      <TextAreaField
        label={t('cooperation.referrals.notes.label')}
        hint={t('cooperation.referrals.notes.hint', { peer: referral.peer })}
        name="text"
        required
        maxLength={2000}
        errorId={form.errorFor('text')}
      />
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('cooperation.referrals.pending') : t('cooperation.referrals.notes.submit')}
      </button>
    </form>
  );
}
