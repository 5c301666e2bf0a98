import { type Static, Type } from 'typebox';
import { PurposeName } from '../cases/index.ts';

const strict = { additionalProperties: false } as const;

// An id, not a name: it also goes into the download's file name.
const AgencyId = Type.String({ pattern: '^[0-9A-Za-z]{1,64}$', description: 'The agency the cases belong to' });

export const ImportQuery = Type.Object(
  {
    agencyId: AgencyId,
    partial: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Import the valid rows and report the others, instead of importing nothing when a row fails',
      }),
    ),
  },
  strict,
);

export const RejectedQuery = Type.Object(
  {
    agencyId: AgencyId,
    format: Type.Optional(Type.Union([Type.Literal('xlsx'), Type.Literal('csv')], { default: 'xlsx' })),
  },
  strict,
);

export const ImportUpload = Type.Object({
  file: Type.String({
    format: 'binary',
    description: 'HTCDS toolkit spreadsheet or KoBoToolbox/ODK export, .xlsx or .csv, at most 50 MiB',
  }),
});

export const RowError = Type.Object({
  row: Type.Integer({ description: 'Row number as the spreadsheet shows it' }),
  column: Type.String({ description: 'Field name of the column' }),
  reason: Type.String(),
});
export type RowError = Static<typeof RowError>;

export const ImportResult = Type.Object({
  format: Type.Union([Type.Literal('htcds'), Type.Literal('xlsform')], {
    description: 'htcds: the toolkit layout; xlsform: submissions exported from KoBoToolbox or ODK',
  }),
  rows: Type.Integer({ description: 'Rows read from the file' }),
  imported: Type.Integer(),
  rejected: Type.Array(RowError, { description: 'Problems of the rows not imported; never their values' }),
  references: Type.Array(Type.String(), { description: 'References of the new cases' }),
  alreadyImported: Type.Array(
    Type.Object({
      row: Type.Integer({ description: 'Row number as the spreadsheet shows it' }),
      reference: Type.Union([Type.String(), Type.Null()], {
        description: 'The case the row was imported as before; null when an earlier row of the same file is the same',
      }),
    }),
    { description: 'Rows imported into this agency before (same submission id, case reference or values): skipped' },
  ),
  unknownColumns: Type.Array(Type.String(), { description: 'Headers that name no HTCDS field: values dropped' }),
  renamedColumns: Type.Array(
    Type.Object({ column: Type.String(), header: Type.String(), label: Type.String(), field: Type.String() }),
    { description: 'Columns whose visible label names another field than their header: read as that field' },
  ),
});
export type ImportResult = Static<typeof ImportResult>;

export const ExportQuery = Type.Object(
  {
    agencyId: AgencyId,
    format: Type.Optional(Type.Union([Type.Literal('xlsx'), Type.Literal('csv')], { default: 'xlsx' })),
    purpose: Type.Optional(PurposeName),
  },
  strict,
);
