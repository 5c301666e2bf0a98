import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';

interface UserMenuProps {
  user: SessionUser;
  onSignOut(): Promise<void>;
}

/** Who is signed in, with which roles, and the way out; a disclosure so the banner stays short. */
export function UserMenu({ user, onSignOut }: UserMenuProps) {
  const { t } = useTranslation();
  const ids = useId();
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<ErrorId | null>(null);

  useEffect(() => {
    if (!open) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      toggle.current?.focus();
    };
    const onPointerDown = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('pointerdown', onPointerDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('pointerdown', onPointerDown);
    };
  }, [open]);

  const signOut = async () => {
    if (signingOut) return;
    setSigningOut(true);
    setError(null);
    try {
      await onSignOut();
    } catch (failure) {
      setError(errorIdOf(failure));
      setSigningOut(false);
    }
  };

  return (
    <div className="user-menu" ref={root}>
      <button
        ref={toggle}
        type="button"
        className="user-menu-toggle"
        aria-expanded={open}
        aria-controls={`${ids}-panel`}
        onClick={() => setOpen((current) => !current)}
      >
        <span className="visually-hidden">{t('user.menu')} </span>
        <bdi>{user.displayName}</bdi>
      </button>
      <div id={`${ids}-panel`} className="user-menu-panel" hidden={!open}>
        <p>
          {t('user.signedInAs')}
          <bdi className="user-email">{user.email}</bdi>
        </p>
        <p id={`${ids}-roles`} className="user-roles-title">
          {t('user.roles', { count: user.roles.length })}
        </p>
        <ul aria-labelledby={`${ids}-roles`} className="user-roles">
          {user.roles.map((grant) => (
            <li key={`${grant.role}:${grant.agencyId ?? ''}`}>
              {t(`roles.${grant.role}`)} · {grant.agencyName ? <bdi>{grant.agencyName}</bdi> : t('user.wholeNode')}
            </li>
          ))}
        </ul>
        {error && <ErrorMessage errorId={error} />}
        <button type="button" className="button" aria-disabled={signingOut} onClick={signOut}>
          {signingOut ? t('user.signingOut') : t('user.signOut')}
        </button>
      </div>
    </div>
  );
}
