import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useId } from 'react';

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

/** A label, an optional hint, and the control that `control` renders with the id that ties them together. */
function FieldFrame({ label, hint, control }: { label: string; hint?: string; control: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {control(id)}
    </div>
  );
}

export function TextField({ label, hint, errorId, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldFrame
      label={label}
      hint={hint}
      control={(id) => <input id={id} {...input} {...described(id, hint, errorId)} />}
    />
  );
}

export function SelectField({
  label,
  hint,
  errorId,
  children,
  ...select
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <FieldFrame
      label={label}
      hint={hint}
      control={(id) => (
        <select id={id} {...select} {...described(id, hint, errorId)}>
          {children}
        </select>
      )}
    />
  );
}
