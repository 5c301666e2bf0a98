import { type ReactNode, useId, useState } from 'react';

/**
 * A form that opens from its button ("Assess risk", "Record consent") instead of standing open on the case page. The
 * button says whether it is open (aria-expanded) and closes it again.
 */
export function Opener({ label, children }: { label: string; children: ReactNode }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  return (
    <div className="opener">
      <button
        type="button"
        className={open ? 'button secondary' : 'button'}
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => setOpen((was) => !was)}
      >
        {label}
      </button>
      {open && <div id={id}>{children}</div>}
    </div>
  );
}
