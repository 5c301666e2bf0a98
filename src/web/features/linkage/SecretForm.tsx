import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from '../../components/Field.tsx';
import { fieldText } from '../../components/useForm.tsx';
import { base64Bytes, type LinkageGroup, linkageApi, MIN_SECRET_BYTES } from './linkage-api.ts';
import { LinkageProblem, useLinkageForm } from './linkage-errors.tsx';

/** The secret as typed or as the chosen file holds it, whitespace removed (a file often ends with a line break). */
async function secretOf(data: FormData): Promise<string> {
  const typed = fieldText(data, 'secret');
  const file = data.get('secretFile');
  const fromFile = !typed && file instanceof File && file.size > 0 ? await file.text() : '';
  return (typed || fromFile).replace(/\s+/g, '');
}

/**
 * Installs or rotates the group's shared secret on this node. The secret is typed into a password field or read from
 * a file, sent once, and cleared from the form; the node keeps it encrypted and shows only its fingerprint.
 */
export function SecretForm({
  group,
  onInstalled,
  onCancel,
}: {
  group: LinkageGroup;
  onInstalled(group: LinkageGroup): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const ids = useId();
  const element = useRef<HTMLFormElement>(null);
  const form = useLinkageForm(
    async (data, formElement) => {
      const secret = await secretOf(data);
      if (!secret) throw new LinkageProblem('secret_missing', 'secret');
      const bytes = base64Bytes(secret);
      if (bytes === null) throw new LinkageProblem('secret_not_base64', 'secret');
      if (bytes < MIN_SECRET_BYTES) throw new LinkageProblem('secret_short', 'secret');
      try {
        onInstalled(await linkageApi.installSecret(group.id, secret));
      } finally {
        // Neither a sent secret nor a refused one stays on the page.
        formElement.reset();
      }
    },
    { invalid_request: 'secret', linkage_unit_no_secret: 'secret' },
  );

  useEffect(() => {
    element.current?.querySelector('input')?.focus();
  }, []);

  return (
    <form
      ref={element}
      className="form subsection"
      noValidate
      autoComplete="off"
      aria-labelledby={`${ids}-title`}
      onSubmit={form.onSubmit}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
    >
      <h3 id={`${ids}-title`}>
        {t(group.secret ? 'linkage.secret.rotateTitle' : 'linkage.secret.installTitle', { name: group.name })}
      </h3>
      <p>{t('linkage.secret.outOfBand')}</p>
      {group.secret && <p className="hint">{t('linkage.secret.rotateHint')}</p>}
      {form.error}
      <TextField
        label={t('linkage.secret.label')}
        hint={t('linkage.secret.hint', { bytes: MIN_SECRET_BYTES })}
        name="secret"
        type="password"
        autoComplete="off"
        spellCheck={false}
        errorId={form.errorFor('secret')}
      />
      <TextField label={t('linkage.secret.file')} name="secretFile" type="file" accept=".txt,.b64,.key,text/plain" />
      <div className="actions">
        <button type="submit" className="button" aria-disabled={form.pending}>
          {form.pending ? t('linkage.secret.sending') : t('linkage.secret.send')}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}
