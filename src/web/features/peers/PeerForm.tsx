import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { fieldText } from '../../components/useForm.tsx';
import { isolate } from '../../i18n/i18n.ts';
import {
  FINGERPRINT_PATTERN,
  PEER_ERRORS,
  type Peer,
  type PeerErrorId,
  type PeerField,
  peerErrorOf,
  peersApi,
} from './peers-api.ts';

type Problems = Partial<Record<PeerField, PeerErrorId>>;

/** The order in which the fields appear: the first one at fault takes the focus. */
const FIELDS: readonly PeerField[] = ['url', 'fingerprint'];

/** The mistakes the form sees before asking the node, which then fetches the peer's document and checks its key. */
function checkInput(url: string, fingerprint: string): Problems {
  const problems: Problems = {};
  if (!url) problems.url = 'url_missing';
  else if (!/^https?:\/\/[^/]/i.test(url) || !URL.canParse(url)) problems.url = 'url_invalid';
  if (!fingerprint) problems.fingerprint = 'fingerprint_missing';
  else if (!FINGERPRINT_PATTERN.test(fingerprint)) problems.fingerprint = 'peer_fingerprint_invalid';
  return problems;
}

/**
 * Adds a peer by its address and the fingerprint its administrator read out. Each mistake is shown beside its field,
 * and the first field to fix takes the focus.
 */
export function PeerForm({ onAdded }: { onAdded(peer: Peer): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const formElement = useRef<HTMLFormElement>(null);
  const [pending, setPending] = useState(false);
  const [problems, setProblems] = useState<Problems>({});
  const [failure, setFailure] = useState<ErrorId | null>(null);
  const [failures, setFailures] = useState(0);
  // The peer just added, for the confirmation (in the language chosen when it shows).
  const [added, setAdded] = useState<Peer | null>(null);

  // Once the messages are on the page, the first field to fix takes the focus and reads its message.
  useEffect(() => {
    if (failures === 0) return;
    const field = FIELDS.find((name) => problems[name]);
    const control = field ? formElement.current?.elements.namedItem(field) : null;
    if (control instanceof HTMLElement) control.focus();
  }, [failures, problems]);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const form = event.currentTarget;
    const data = new FormData(form);
    const url = fieldText(data, 'url');
    const fingerprint = fieldText(data, 'fingerprint');
    setAdded(null);
    setFailure(null);
    const found = checkInput(url, fingerprint);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      setFailures((n) => n + 1);
      return;
    }
    setPending(true);
    try {
      const peer = await peersApi.add({ url, fingerprint });
      onAdded(peer);
      setAdded(peer);
      form.reset();
    } catch (error) {
      const explained = peerErrorOf(error);
      if (explained) setProblems({ [PEER_ERRORS[explained]]: explained });
      else setFailure(errorIdOf(error));
      setFailures((n) => n + 1);
    } finally {
      setPending(false);
    }
  };

  const problemFor = (field: PeerField) => {
    const problem = problems[field];
    return problem ? t(`peers.errors.${problem}`) : undefined;
  };

  return (
    <form
      ref={formElement}
      className="form subsection"
      noValidate
      aria-labelledby={`${ids}-title`}
      onSubmit={(event) => void onSubmit(event)}
    >
      <h3 id={`${ids}-title`}>{t('peers.form.title')}</h3>
      <p>{t('peers.form.intro')}</p>
      <p role="status" className={added ? 'notice' : undefined}>
        {added && t('peers.form.added', { name: isolate(added.name), nodeId: added.nodeId })}
      </p>
      {failure && <ErrorMessage errorId={failure} />}
      <TextField
        label={t('peers.form.url')}
        hint={t('peers.form.urlHint')}
        name="url"
        type="url"
        inputMode="url"
        dir="ltr"
        required
        maxLength={2000}
        autoComplete="off"
        spellCheck={false}
        error={problemFor('url')}
      />
      <TextField
        label={t('peers.form.fingerprint')}
        hint={t('peers.form.fingerprintHint')}
        name="fingerprint"
        dir="ltr"
        required
        maxLength={100}
        autoComplete="off"
        spellCheck={false}
        error={problemFor('fingerprint')}
      />
      <button type="submit" className="button" aria-disabled={pending}>
        {pending ? t('peers.form.adding') : t('peers.form.submit')}
      </button>
    </form>
  );
}
