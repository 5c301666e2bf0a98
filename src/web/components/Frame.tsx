import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from './LanguageSwitcher.tsx';

interface FrameProps {
  nodeName: string | null;
  navigation?: ReactNode;
  account?: ReactNode;
  /** For pages whose tables need more room than reading text does. */
  wide?: boolean;
  children: ReactNode;
}

/** The landmarks every page shares: a skip link, the banner with the node's name, and the main region. */
export function Frame({ nodeName, navigation, account, wide = false, children }: FrameProps) {
  const { t } = useTranslation();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="banner">
        <div className="banner-top">
          <p className="brand">
            <span className="brand-name">Passage</span>
            {nodeName && <bdi className="node-name">{nodeName}</bdi>}
          </p>
          <div className="banner-tools">
            <LanguageSwitcher />
            {account}
          </div>
        </div>
        {navigation}
      </header>
      <main id="main" tabIndex={-1} className={wide ? 'wide' : undefined}>
        {children}
      </main>
    </>
  );
}
