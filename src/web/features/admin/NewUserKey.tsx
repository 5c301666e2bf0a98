import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CreatedUser } from '../../api.ts';
import { isolate } from '../../i18n/i18n.ts';

interface NewUserKeyProps {
  created: CreatedUser;
  /** Why there is a key: a new account, or a new key for an existing one (the old key no longer works). */
  reason: 'created' | 'reset';
  onDone(): void;
}

/**
 * A newly issued authenticator key, for a new user or in place of a lost one. The server gives it out only in its
 * answer, so this is the one chance to pass it on; it is grouped by four so that it can be read out or typed without
 * losing one's place.
 */
export function NewUserKey({ created, reason, onDone }: NewUserKeyProps) {
  const { t } = useTranslation();
  const ids = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const name = isolate(created.user.displayName);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  return (
    <section aria-labelledby={`${ids}-title`} className="subsection key-panel">
      <h3 ref={heading} id={`${ids}-title`} tabIndex={-1}>
        {t('users.keyTitle', { name })}
      </h3>
      <p>{reason === 'created' ? t('users.created', { name }) : t('users.keyReset', { name })}</p>
      <p className="warning">{t('users.keyOnce', { name })}</p>
      <dl className="key">
        <div>
          <dt>{t('users.key')}</dt>
          <dd>
            <code dir="ltr" className="secret">
              {created.totp.secret.match(/.{1,4}/g)?.join(' ')}
            </code>
          </dd>
        </div>
        <div>
          <dt>{t('users.keyUri')}</dt>
          <dd>
            <code dir="ltr">{created.totp.uri}</code>
          </dd>
        </div>
      </dl>
      <button type="button" className="button" onClick={onDone}>
        {t('users.keyDone')}
      </button>
    </section>
  );
}
