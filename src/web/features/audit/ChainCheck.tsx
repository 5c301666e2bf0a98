import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ChainCheck as ChainResult } from '../../api.ts';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';

/** Recomputes the hash chain on the server: a changed, removed or inserted record breaks it. */
export function ChainCheck() {
  const { t } = useTranslation();
  const ids = useId();
  const [result, setResult] = useState<ChainResult | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ErrorId | null>(null);

  const verify = async () => {
    if (pending) return;
    setPending(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api.verifyAudit());
    } catch (failure) {
      setError(errorIdOf(failure));
    } finally {
      setPending(false);
    }
  };

  const broken = result?.firstBroken;
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('chain.title')}</h2>
      <p>{t('chain.intro')}</p>
      <button type="button" className="button" aria-disabled={pending} onClick={() => void verify()}>
        {pending ? t('chain.verifying') : t('chain.verify')}
      </button>
      <p role="status" className={result?.ok ? 'notice' : undefined}>
        {result?.ok && t('chain.intact', { count: result.records })}
      </p>
      {broken && (
        <p role="alert" className="alert">
          {t('chain.broken', { seq: String(broken.seq), reason: t(`chain.reasons.${broken.reason}`) })}
        </p>
      )}
      {error && <ErrorMessage errorId={error} />}
    </section>
  );
}
