import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from 'react';

interface FieldProps {
  label: string;
  hint?: string;
  /** The id of the form's error message when this field is the one to fix: marks it invalid and links the message. */
  errorId?: string;
  /** The field's own error, shown under its label: for forms that can have several fields to fix at once. */
  error?: ReactNode;
}

/** The attributes that tie a control to its hint and, when it is at fault, to the error that says why. */
function described(id: string, { hint, errorId, error }: Omit<FieldProps, 'label'>) {
  const describedBy = [errorId, error && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(' ');
  return { 'aria-describedby': describedBy || undefined, 'aria-invalid': errorId || error ? true : undefined };
}

function FieldError({ id, error }: { id: string; error?: ReactNode }) {
  return error ? (
    <p id={`${id}-error`} className="field-error">
      {error}
    </p>
  ) : null;
}

/** A label, an optional hint and error, and the control that `control` renders with the id that ties them together. */
function FieldFrame({
  label,
  hint,
  error,
  control,
}: {
  label: string;
  hint?: string;
  error?: ReactNode;
  control: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <FieldError id={id} error={error} />
      {control(id)}
    </div>
  );
}

export function TextField({
  label,
  hint,
  errorId,
  error,
  ...input
}: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldFrame
      label={label}
      hint={hint}
      error={error}
      control={(id) => <input id={id} {...input} {...described(id, { hint, errorId, error })} />}
    />
  );
}

export function TextAreaField({
  label,
  hint,
  errorId,
  error,
  ...textarea
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <FieldFrame
      label={label}
      hint={hint}
      error={error}
      control={(id) => <textarea id={id} rows={3} {...textarea} {...described(id, { hint, errorId, error })} />}
    />
  );
}

export function SelectField({
  label,
  hint,
  errorId,
  error,
  children,
  ...select
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <FieldFrame
      label={label}
      hint={hint}
      error={error}
      control={(id) => (
        <select id={id} {...select} {...described(id, { hint, errorId, error })}>
          {children}
        </select>
      )}
    />
  );
}

interface ChoicesProps extends FieldProps {
  /** The name every box or button of the group submits under. */
  name: string;
  type: 'checkbox' | 'radio';
  options: readonly { value: string; label: string }[];
  /** For long lists: the boxes flow in columns. */
  columns?: boolean;
  required?: boolean;
  /** The options checked at first. */
  defaultValues?: readonly string[];
}

/** A group of checkboxes (several answers) or radio buttons (one answer) under a legend. */
export function ChoiceField({
  label,
  hint,
  errorId,
  error,
  name,
  type,
  options,
  columns = false,
  required,
  defaultValues = [],
}: ChoicesProps) {
  const id = useId();
  return (
    <fieldset className={columns ? 'choices columns' : 'choices'}>
      <legend>{label}</legend>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <FieldError id={id} error={error} />
      {options.map((option) => (
        <label key={option.value} className="choice">
          <input
            type={type}
            name={name}
            value={option.value}
            required={required}
            defaultChecked={defaultValues.includes(option.value)}
            {...described(id, { hint, errorId, error })}
          />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
