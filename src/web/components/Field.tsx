import { type InputHTMLAttributes, type SelectHTMLAttributes, useId } from 'react';

interface FieldProps {
  label: string;
  hint?: string;
  /** The id of the form's error message when this field is the one to fix: marks it invalid and links the message. */
  errorId?: string;
}

/** The attributes that tie a control to its hint and, when it is at fault, to the form's error. */
function described(id: string, hint: string | undefined, errorId: string | undefined) {
  const describedBy = [errorId, hint && `${id}-hint`].filter(Boolean).join(' ');
  return { 'aria-describedby': describedBy || undefined, 'aria-invalid': errorId ? true : undefined };
}

export function TextField({ label, hint, errorId, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <input id={id} {...input} {...described(id, hint, errorId)} />
    </div>
  );
}

export function SelectField({
  label,
  hint,
  errorId,
  children,
  ...select
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <select id={id} {...select} {...described(id, hint, errorId)}>
        {children}
      </select>
    </div>
  );
}
