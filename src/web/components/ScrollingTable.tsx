import { type ReactNode, useId } from 'react';

/** A captioned table that scrolls sideways on a narrow screen instead of widening the page. */
export function ScrollingTable({ caption, children }: { caption: string; children: ReactNode }) {
  const id = useId();
  return (
    // Keyboard users reach the region with Tab and scroll it with the arrow keys, even when the table holds no control.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be focusable (WCAG 2.1.1).
    <section className="table-scroll" aria-labelledby={id} tabIndex={0}>
      <table className="table">
        <caption id={id}>{caption}</caption>
        {children}
      </table>
    </section>
  );
}
