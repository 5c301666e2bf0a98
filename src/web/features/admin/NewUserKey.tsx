import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CreatedUser } from '../../api.ts';
import { isolate } from '../../i18n/i18n.ts';

/**
 * The new user's authenticator key. The server gives it out only in its answer to the creation, so this is the one
 * chance to pass it on; it is grouped by four so that it can be read out or typed without losing one's place.
 */
export function NewUserKey({ created, onDone }: { created: CreatedUser; onDone(): void }) {
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
      <p>{t('users.created', { name })}</p>
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
