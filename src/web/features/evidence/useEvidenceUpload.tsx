import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type UploadProgress } from '../../api.ts';
import { ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';
import { isolate } from '../../i18n/i18n.ts';
import { fieldErrorsOf } from '../cases/cases-api.ts';
import type { EvidenceItem, UploadCallbacks } from './evidence-api.ts';

export type UploadPhase =
  | { kind: 'idle' }
  | { kind: 'uploading'; progress: UploadProgress }
  | { kind: 'storing'; total: number }
  | { kind: 'done'; total: number; title: string };

/** Errors of the evidence API that the app explains in its own words; other errors use the app's general messages. */
const EVIDENCE_ERRORS = [
  'evidence_too_large',
  'hash_mismatch',
  'copy_unchanged',
  'upload_interrupted',
  'malformed_upload',
  'file_missing',
] as const;
type EvidenceErrorId = (typeof EVIDENCE_ERRORS)[number];
const isEvidenceError = (id: string): id is EvidenceErrorId => (EVIDENCE_ERRORS as readonly string[]).includes(id);

/** Server fields that are not controls of the form but are about the file part. */
const FILE_FIELDS = ['fileName', 'mediaType', 'sha256'];

/** Field errors found before sending: the name of the control, and its message. */
export type FieldProblems = Record<string, string>;

type Problem = { kind: 'fields' } | { kind: 'evidence'; id: EvidenceErrorId } | { kind: 'other'; failure: unknown };

/**
 * Sends an evidence form as an upload with a progress bar, and shows what went wrong next to the fields at fault:
 * the node checks every field at once and names each one it refuses (details.errors), so several fields can be marked
 * together. The first field at fault takes the focus, and the message at the top of the form is announced.
 */
export function useEvidenceUpload(controls: readonly string[]) {
  const { t } = useTranslation();
  const ids = useId();
  const [phase, setPhase] = useState<UploadPhase>({ kind: 'idle' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [fieldProblems, setFieldProblems] = useState<FieldProblems>({});

  /** The server's reason for refusing a field, in the chosen language when it is one the app knows. */
  const explain = (field: string, reason: string): string => {
    if (/^is required/.test(reason)) return t('evidence.fieldErrors.required');
    if (field === 'handlingNote') return t('evidence.fieldErrors.handlingNote');
    if (field === 'collectedAt') return t('evidence.fieldErrors.collectedAt');
    if (/^is longer than/.test(reason)) return t('evidence.fieldErrors.tooLong');
    return t('evidence.fieldErrors.other', { reason: isolate(reason) });
  };

  const focusFirst = (form: HTMLFormElement, names: string[]) => {
    const first = controls.find((name) => names.includes(name));
    const target = first ? form.elements.namedItem(first) : null;
    const control = target instanceof RadioNodeList ? target[0] : target;
    if (control instanceof HTMLElement) control.focus();
  };

  /**
   * `check` returns the mistakes it finds before anything is sent; `send` uploads. Resolves with the new item, or
   * null when the upload did not happen or failed (the form then shows why).
   */
  const submit = async (
    event: FormEvent<HTMLFormElement>,
    check: (data: FormData) => FieldProblems,
    send: (data: FormData, file: File, callbacks: UploadCallbacks) => Promise<EvidenceItem>,
  ): Promise<EvidenceItem | null> => {
    event.preventDefault();
    if (phase.kind === 'uploading' || phase.kind === 'storing') return null;
    const form = event.currentTarget;
    const data = new FormData(form);
    setProblem(null);
    const found = check(data);
    const file = data.get('file');
    if (!(file instanceof File) || file.size === 0) found.file = t('evidence.fieldErrors.file');
    if (Object.keys(found).length > 0) {
      setFieldProblems(found);
      setProblem({ kind: 'fields' });
      setPhase({ kind: 'idle' });
      focusFirst(form, Object.keys(found));
      return null;
    }
    setFieldProblems({});
    const chosen = file as File;
    setPhase({ kind: 'uploading', progress: { sent: 0, total: chosen.size } });
    try {
      const item = await send(data, chosen, {
        onProgress: (progress) => setPhase({ kind: 'uploading', progress }),
        onSent: () => setPhase({ kind: 'storing', total: chosen.size }),
      });
      setPhase({ kind: 'done', total: chosen.size, title: item.title });
      return item;
    } catch (failure) {
      setPhase({ kind: 'idle' });
      const refused = fieldErrorsOf(failure);
      if (refused.length > 0) {
        const marked: FieldProblems = {};
        for (const { field, reason } of refused) {
          const control = FILE_FIELDS.includes(field) ? 'file' : field;
          if (controls.includes(control)) marked[control] ??= explain(field, reason);
        }
        if (Object.keys(marked).length > 0) {
          setFieldProblems(marked);
          setProblem({ kind: 'fields' });
          focusFirst(form, Object.keys(marked));
          return null;
        }
      }
      const id = failure instanceof ApiError ? failure.id : '';
      if (isEvidenceError(id)) {
        setProblem({ kind: 'evidence', id });
        if (id !== 'malformed_upload') focusFirst(form, ['file']);
      } else {
        setProblem({ kind: 'other', failure });
      }
      return null;
    }
  };

  const errorId = `${ids}-problem`;
  const message =
    problem === null ? null : problem.kind === 'other' ? (
      <ErrorMessage id={errorId} errorId={errorIdOf(problem.failure)} />
    ) : (
      <p id={errorId} role="alert" className="alert">
        {problem.kind === 'fields' ? t('evidence.errors.fields') : t(`evidence.errors.${problem.id}`)}
      </p>
    );

  return {
    submit,
    phase,
    busy: phase.kind === 'uploading' || phase.kind === 'storing',
    /** The message at the top of the form, when the last attempt failed. */
    problem: message,
    /** The message to show next to the control `name`, when it is at fault. */
    errorFor: (name: string) => fieldProblems[name],
    reset: () => {
      setPhase({ kind: 'idle' });
      setProblem(null);
      setFieldProblems({});
    },
  };
}
