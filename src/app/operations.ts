import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { generate } from 'otplib';
import { AppError, notFound } from '../lib/errors.ts';
import type { AuditFilter, RequestContext } from '../modules/audit/index.ts';
import type { CaseSummary } from '../modules/cases/index.ts';
import type { IntegrityCheck } from '../modules/custody/index.ts';
import { type EvidenceFields, mediaTypeForName, writeBagZip } from '../modules/evidence/index.ts';
import type { RowError } from '../modules/htcds/index.ts';
import { readCaseSheet } from '../modules/htcds/index.ts';
import { type AgencyRecord as Agency, presentCreated, presentUser } from '../modules/user-accounts/index.ts';
import type { MlaState, Side } from '../shared/mla-states.ts';
import type { Purpose, Reach } from '../shared/policy.ts';
import type { Services } from './services.ts';

/**
 * What an operator at the node's console can do. The `passage` CLI runs these directly on the database when the
 * node is stopped, or sends them over the admin channel to the running node, so both paths share one implementation.
 */
export const operations = {
  'agency.add': (s: Services, ctx: RequestContext, args: { name: string; country: string; orgType: string }) =>
    s.users.createAgency(ctx, args),
  'agency.list': (s: Services, ctx: RequestContext) => s.users.listAgencies(ctx),
  'user.add': async (
    s: Services,
    ctx: RequestContext,
    args: {
      email: string;
      displayName: string;
      password?: string;
      roles: { role: string; agency?: string | null; reach?: Reach; team?: string }[];
    },
  ) => presentCreated(await s.users.createUser(ctx, args)),
  'user.list': async (s: Services, ctx: RequestContext) => (await s.users.listUsers(ctx)).map(presentUser),
  'user.disable': async (s: Services, ctx: RequestContext, args: { user: string }) =>
    presentUser(await s.users.disableUser(ctx, args.user)),
  'user.enable': async (s: Services, ctx: RequestContext, args: { user: string }) =>
    presentUser(await s.users.enableUser(ctx, args.user)),
  'user.reset-totp': async (s: Services, ctx: RequestContext, args: { user: string }) =>
    presentCreated(await s.users.resetSecondFactor(ctx, args.user)),
  'team.add': (s: Services, ctx: RequestContext, args: { agency: string; name: string }) =>
    s.users.teams.create(ctx, args),
  'team.list': (s: Services, ctx: RequestContext) => s.users.teams.list(ctx),
  'team.member-add': (s: Services, ctx: RequestContext, args: { team: string; user: string }) =>
    s.users.teams.addMember(ctx, args.team, args.user),
  'team.member-remove': (s: Services, ctx: RequestContext, args: { team: string; user: string }) =>
    s.users.teams.removeMember(ctx, args.team, args.user),
  'audit.verify': (s: Services, ctx: RequestContext) => s.audit.verify(ctx),
  /** The audit trail, filtered; the read is itself recorded with the purpose the operator states. */
  'audit.list': (s: Services, ctx: RequestContext, args: { purpose: Purpose; filter: AuditQueryFilter }) =>
    s.audit.query(ctx, args.filter, args.purpose),
  'custody.checkpoint': (s: Services, ctx: RequestContext) => s.custody.readCheckpoint(ctx),
  /** With `index`: an inclusion proof (in the tree of `size`); with `old`: a consistency proof (up to `new`). */
  'custody.prove': (
    s: Services,
    ctx: RequestContext,
    args: { index: number; size?: number } | { old: number; new?: number },
  ) =>
    'index' in args
      ? s.custody.proveInclusion(ctx, args.index, args.size)
      : s.custody.proveConsistency(ctx, args.old, args.new),
  /** `onProgress` reports only when the command runs in the CLI's own process. */
  'custody.verify': (
    s: Services,
    ctx: RequestContext,
    args: { onProgress?: (check: string, done: number, total: number) => void },
  ) => s.custody.checkIntegrity(ctx, integrityChecks(s), args.onProgress),
  /** The current sign-in code of a demo user, so a demo needs no authenticator app. Refused outside demo nodes. */
  'demo.code': async (s: Services, _ctx: RequestContext, args: { email: string }) => {
    if (!s.config.demo) throw new AppError('not_a_demo', 403, 'Codes are only shown on demo nodes.');
    const totp = await s.users.demoTotpSecret(args.email);
    if (!totp) throw notFound('The demo user');
    return { code: await generate({ secret: totp.secret }) };
  },
  /**
   * Reads a case sheet from the node's disk (the CLI passes an absolute path: over the admin channel the rows would
   * not fit a command) and imports it into one agency. `onProgress` reports only when the command runs in the CLI's
   * own process. Rows rejected without `partial` come back as a result, not an error, because the admin channel
   * carries an error's id and message but not its details.
   */
  'htcds.import': async (
    s: Services,
    ctx: RequestContext,
    args: {
      file: string;
      agency: string;
      partial?: boolean;
      onProgress?: (phase: 'reading' | 'importing', done: number, total: number) => void;
    },
  ) => {
    const agency = pickAgency(await s.users.listAgencies(ctx), args.agency);
    const sheet = await readCaseSheet(args.file, (done, total) => args.onProgress?.('reading', done, total)).catch(
      (error: NodeJS.ErrnoException) => {
        if (!FILE_ERRORS.has(error.code ?? '')) throw error;
        throw new AppError('file_unreadable', 400, `The file ${args.file} cannot be read (${error.code}).`);
      },
    );
    const read = {
      agency: { id: agency.id, name: agency.name },
      format: sheet.format,
      rows: sheet.rows.length,
      unknownColumns: sheet.unknownColumns,
      renamedColumns: sheet.renamedColumns,
    };
    try {
      const result = await s.htcds.import(ctx, sheet.rows, {
        agencyId: agency.id,
        partial: args.partial,
        onProgress: (done, total) => args.onProgress?.('importing', done, total),
      });
      return { ...read, committed: true, message: null, ...result };
    } catch (error) {
      if (!(error instanceof AppError) || error.id !== 'import_rejected') throw error;
      const { rejected } = error.details as { rejected: RowError[] };
      const alreadyImported: { row: number; reference: string | null }[] = [];
      return {
        ...read,
        committed: false,
        message: error.message,
        imported: 0,
        rejected,
        references: [],
        alreadyImported,
      };
    }
  },
  /** An agency's cases as HTCDS rows; identity fields only with a purpose, each survivor's disclosure recorded. */
  'htcds.export': async (s: Services, ctx: RequestContext, args: { agency: string; purpose?: Purpose }) => {
    const agency = pickAgency(await s.users.listAgencies(ctx), args.agency);
    const sheet = await s.htcds.export(ctx, { agencyId: agency.id, purpose: args.purpose });
    return { agency: { id: agency.id, name: agency.name }, purpose: args.purpose ?? null, ...sheet };
  },
  /** Every case the operator may read (pseudonymous), newest first, optionally of one agency or stage. */
  'case.list': async (s: Services, ctx: RequestContext, args: { agency?: string; stage?: string }) => {
    const agencies = await s.users.listAgencies(ctx);
    const agencyId = args.agency ? pickAgency(agencies, args.agency).id : undefined;
    const cases: CaseSummary[] = [];
    const limit = 500;
    for (let offset = 0; ; offset += limit) {
      const page = await s.cases.list(ctx, { stage: args.stage, limit, offset });
      cases.push(...page.cases.filter((c) => agencyId === undefined || c.agencyId === agencyId));
      if (page.cases.length < limit) break;
    }
    return { total: cases.length, cases, agencyNames: Object.fromEntries(agencies.map((a) => [a.id, a.name])) };
  },
  /** Voids a case created in error (by id or reference): gone from lists and reads, kept in the audit trail. */
  'case.void': async (s: Services, ctx: RequestContext, args: { case: string; reason: string }) => {
    const found = await findCase(s, ctx, args.case);
    await s.cases.void(ctx, found.id, args.reason);
    return found;
  },
  /** One case by id or reference (pseudonymous); with a purpose also the survivor's identity, as a disclosure. */
  'case.show': async (s: Services, ctx: RequestContext, args: { case: string; purpose?: Purpose }) => {
    const wanted = args.case.trim();
    const { cases } = await s.cases.list(ctx, { reference: wanted, limit: 20, offset: 0 });
    const id = cases.find((c) => c.reference.toLowerCase() === wanted.toLowerCase())?.id ?? wanted;
    const view = await s.cases.get(ctx, id);
    const identity =
      args.purpose && !view.survivor.erased ? await s.survivors.readIdentity(ctx, view.id, args.purpose) : null;
    const agency = (await s.users.listAgencies(ctx)).find((a) => a.id === view.agencyId);
    return { case: view, agencyName: agency?.name ?? null, identity };
  },
  /**
   * Adds files from the node's disk to a case as evidence (the CLI passes absolute paths: an investigator's export
   * of a seized device), one item and one `collected` custody event per file, streaming each file. Stops at the first
   * file that fails and reports it with what was added before; `onProgress` (bytes) reports only in the CLI's process.
   */
  'evidence.add': async (
    s: Services,
    ctx: RequestContext,
    args: {
      case: string;
      files: { path: string; title: string }[];
      fields: Omit<EvidenceFields, 'title' | 'fileName' | 'mediaType' | 'sha256'>;
      agency?: string;
      onProgress?: (doneBytes: number, totalBytes: number, file: string) => void;
    },
  ) => {
    const found = await findCase(s, ctx, args.case);
    const collectedBy = args.agency ? pickAgency(await s.users.listAgencies(ctx), args.agency).name : undefined;
    const sizes = await Promise.all(
      args.files.map((f) =>
        stat(f.path).then(
          (info) => info.size,
          () => 0,
        ),
      ),
    );
    const total = sizes.reduce((a, b) => a + b, 0);
    const added: { id: string; path: string; fileName: string; size: number; sha256: string }[] = [];
    let done = 0;
    for (const file of args.files) {
      const fileName = basename(file.path);
      const content = createReadStream(file.path, { highWaterMark: 1024 * 1024 });
      // Counted as the store reads them: the service checks the fields and the case before the first byte.
      async function* counted() {
        let read = 0;
        for await (const chunk of content) {
          read += (chunk as Buffer).length;
          args.onProgress?.(done + read, total, file.path);
          yield chunk as Buffer;
        }
      }
      try {
        const item = await s.evidence.add(
          ctx,
          found.id,
          { collectedBy, ...args.fields, title: file.title, fileName, mediaType: mediaTypeForName(fileName) },
          counted(),
        );
        added.push({ id: item.id, path: file.path, fileName, size: item.size, sha256: item.sha256 });
        done += item.size;
      } catch (error) {
        content.destroy();
        const code = (error as NodeJS.ErrnoException).code ?? '';
        const failure =
          error instanceof AppError
            ? { id: error.id, message: error.message, details: error.details ?? null }
            : FILE_ERRORS.has(code)
              ? { id: 'file_unreadable', message: `The file cannot be read (${code}).`, details: null }
              : null;
        if (!failure) throw error;
        return { case: found, added, failed: { path: file.path, ...failure } };
      }
    }
    return { case: found, added, failed: null };
  },
  /** The evidence items of a case, with their hashes and handling codes. */
  'evidence.list': async (s: Services, ctx: RequestContext, args: { case: string }) => {
    const found = await findCase(s, ctx, args.case);
    return { case: found, items: await s.evidence.list(ctx, found.id) };
  },
  /**
   * Writes the evidence package of a case to `out` (the CLI passes an absolute path) as a BagIt zip, recording an
   * `exported` custody event per item; `onProgress` (payload bytes) reports only in the CLI's own process.
   */
  'evidence.export': async (
    s: Services,
    ctx: RequestContext,
    args: {
      case: string;
      out: string;
      replace?: boolean;
      onProgress?: (doneBytes: number, totalBytes: number) => void;
    },
  ) => {
    const found = await findCase(s, ctx, args.case);
    // Asked before the export is recorded; the writer asks again, and only replaces the file as a whole.
    if (!args.replace && existsSync(args.out)) {
      throw new AppError('bag_exists', 409, `${args.out} already exists. Choose another file or replace it.`);
    }
    const contents = await s.evidencePackages.prepare(ctx, found.id);
    const written = await writeBagZip(args.out, contents, { replace: args.replace, onProgress: args.onProgress });
    return {
      case: found,
      out: args.out,
      packageId: contents.packageId,
      items: written.files,
      bytes: written.octets,
      events: contents.custody.events.length,
      fingerprint: s.custody.fingerprint,
    };
  },
  /** This node's id, name, country and key fingerprint, to read out to another node's administrator. */
  'node.identity': (s: Services, ctx: RequestContext) => s.peers.identity(ctx),
  'peer.add': (s: Services, ctx: RequestContext, args: { url: string; fingerprint: string }) => s.peers.add(ctx, args),
  /** The peers, with this node's identity so that the list shows what the peers hold of it. */
  'peer.list': async (s: Services, ctx: RequestContext) => ({
    node: await s.peers.identity(ctx),
    peers: await s.peers.list(ctx),
  }),
  'peer.suspend': (s: Services, ctx: RequestContext, args: { node: string }) => s.peers.suspend(ctx, args.node),
  'peer.activate': (s: Services, ctx: RequestContext, args: { node: string }) => s.peers.activate(ctx, args.node),
  /** Sends a `passage.ping`: the peer's signed receipt says whether it reaches this node's message and trusts its key. */
  'peer.ping': async (s: Services, ctx: RequestContext, args: { node: string }) => {
    const { message, status, reason, roundTripMs } = await s.messages.ping(ctx, args.node);
    return { node: args.node, messageId: message.id, status, reason, roundTripMs };
  },
  /** The messages exchanged with peers, newest first, without their signed bytes. */
  'peer.messages': async (s: Services, ctx: RequestContext, args: { node?: string; limit?: number }) =>
    (await s.messages.history(ctx, { peer: args.node, limit: args.limit })).map(({ jws, receipt, ...row }) => ({
      ...row,
      hasReceipt: receipt !== null,
    })),
  'peer.remove': async (s: Services, ctx: RequestContext, args: { node: string }) => {
    await s.peers.remove(ctx, args.node);
    return { removed: args.node };
  },
  /** MLA requests with their statutory clocks (no persons concerned), newest first. */
  'mla.list': (s: Services, ctx: RequestContext, args: { side?: Side; state?: MlaState; limit?: number }) =>
    s.mla.list(ctx, args),
  /** The MLA clocks approaching their due date or past it. */
  'mla.alerts': (s: Services, ctx: RequestContext) => s.mla.alerts(ctx),
  /** Installs a linkage group's secret (base64) on this owner node; the answer shows its fingerprint, never it. */
  'linkage.secret': (s: Services, ctx: RequestContext, args: { group: string; secret: string }) =>
    s.linkage.installSecret(ctx, args.group, args.secret),
} as const;

/** A case by id or reference, as the operator names it on the command line. */
async function findCase(s: Services, ctx: RequestContext, wanted: string): Promise<{ id: string; reference: string }> {
  const ref = wanted.trim();
  const { cases } = await s.cases.list(ctx, { reference: ref, limit: 20, offset: 0 });
  const id = cases.find((c) => c.reference.toLowerCase() === ref.toLowerCase())?.id ?? ref;
  try {
    const view = await s.cases.get(ctx, id);
    return { id: view.id, reference: view.reference };
  } catch (error) {
    if (error instanceof AppError && error.id === 'not_found') throw notFound(`The case "${ref}"`);
    throw error;
  }
}

/** What `passage custody verify` checks, in order: another module's check joins by adding it to this list. */
const integrityChecks = (s: Services): IntegrityCheck[] => [s.custody.logCheck(), s.evidence.storeCheck()];

const FILE_ERRORS = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'ELOOP']);

/** An agency by id or exact name. */
function pickAgency(agencies: readonly Agency[], idOrName: string): Agency {
  const agency = agencies.find((a) => a.id === idOrName || a.name === idOrName);
  if (!agency) throw notFound(`The agency "${idOrName}"`);
  return agency;
}

/** What `audit.list` may filter on: the request id of a record is the node's own concern. */
type AuditQueryFilter = Omit<AuditFilter, 'requestId'>;

export type OperationName = keyof typeof operations;
export type OperationArgs<N extends OperationName> = Parameters<(typeof operations)[N]>[2];

export function isOperation(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}

export function operatorContext(name = userInfo().username): RequestContext {
  return { actor: { kind: 'operator', name }, requestId: null };
}

export async function runOperation(services: Services, name: OperationName, args: unknown, ctx: RequestContext) {
  const operation = operations[name] as (s: Services, ctx: RequestContext, args: unknown) => Promise<unknown>;
  return operation(services, ctx, args);
}
