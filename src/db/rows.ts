/** Helpers for mapping the untyped rows the drivers (PGlite, pg) return; every repository maps its rows once. */

// biome-ignore lint/suspicious/noExplicitAny: rows come untyped from the driver and are mapped here once
export type Row = Record<string, any>;

/** A timestamp column as ISO 8601 UTC (pg gives a Date, PGlite a Date or a string). */
export const iso = (value: Date | string | null): string | null =>
  value === null ? null : value instanceof Date ? value.toISOString() : value;

/** A date column as YYYY-MM-DD. */
export const day = (value: Date | string): string =>
  value instanceof Date ? value.toISOString().slice(0, 10) : value.slice(0, 10);
