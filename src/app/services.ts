import type { Db, Queryable } from '../db/client.ts';
import { AuditService } from '../modules/audit/index.ts';
import { CareService, ReferralsService, reassessmentsDue, referralSharing } from '../modules/care/index.ts';
import { CaseOverviewService } from '../modules/case-overview/index.ts';
import { CaseAccess, CasesService } from '../modules/cases/index.ts';
import { CrossBorderService, caseSenders } from '../modules/cross-border-referrals/index.ts';
import { CustodyLogService } from '../modules/custody/index.ts';
import { EvidencePackages, EvidenceService, FileBlobStore } from '../modules/evidence/index.ts';
import { TransfersService } from '../modules/evidence-transfers/index.ts';
import { MessagesService, PeersService } from '../modules/federation/index.ts';
import { HtcdsExchangeService } from '../modules/htcds/index.ts';
import { JitService } from '../modules/jit/index.ts';
import { DestroyedKeys, type KekHolders, KeyCustody, type NodeKeys } from '../modules/key-custody/index.ts';
import { LinkageService } from '../modules/linkage-network/index.ts';
import { MlaService, mlaDeadlinesOfCases } from '../modules/mla/index.ts';
import { identityVaultOpener, PersonRecords, rewrapPersonKeys, SurvivorsService } from '../modules/survivors/index.ts';
import { type AuthOptions, AuthService, resealTotpSecrets, UsersService } from '../modules/user-accounts/index.ts';
import { WorkQueueService } from '../modules/work-queue/index.ts';
import type { Config } from './config.ts';

/** Everything a route or a CLI command needs; built once per process. */
export interface Services {
  config: Config;
  db: Db;
  keys: NodeKeys;
  audit: AuditService;
  users: UsersService;
  auth: AuthService;
  /** Who may do what on a case: given to every module that acts on cases. */
  caseAccess: CaseAccess;
  cases: CasesService;
  survivors: SurvivorsService;
  care: CareService;
  /** In-country referrals of cases to other agencies of the node. */
  referrals: ReferralsService;
  htcds: HtcdsExchangeService;
  custody: CustodyLogService;
  evidence: EvidenceService;
  evidencePackages: EvidencePackages;
  peers: PeersService;
  messages: MessagesService;
  mla: MlaService;
  jits: JitService;
  /** Linkage across nodes: groups, the shared secret, submitting encodings, matching at the unit, alerts. */
  linkage: LinkageService;
  /** Evidence transfers to and from other nodes, and permissions under the handling codes that travel with them. */
  transfers: TransfersService;
  /** Cross-border referrals and transfers of cases (docs/federation.md passage.referral.*). */
  crossBorder: CrossBorderService;
  /** A case page in one request, composed of the other modules' reads. */
  caseOverview: CaseOverviewService;
  /** The signed-in user's work queue, composed of the other modules' faces (GET /api/work-queue). */
  workQueue: WorkQueueService;
}

/** What the modules keep under the key-encryption key, for key custody's rotation (`passage keys rotate`). */
export const KEK_HOLDERS: KekHolders = { dataKeys: rewrapPersonKeys, totpSecrets: resealTotpSecrets };

export function createServices(config: Config, db: Db, keys: NodeKeys, auth: Partial<AuthOptions> = {}): Services {
  const audit = new AuditService(db);
  const keyCustody = new KeyCustody(keys.kek);
  // Cases sit below survivors and care: what a case needs of them is handed to it here.
  const identityVault = identityVaultOpener(db, keys.kek);
  const persons = new PersonRecords(db, identityVault);
  const access = new CaseAccess(audit, referralSharing, persons);
  const cases = new CasesService(db, audit, {
    persons,
    sharing: referralSharing,
    access,
    keyCustody,
    // The case list's risk levels and deadlines are care's and mla's: read through their faces, one query a page.
    clocks: () => ({
      risks: async (q, caseIds, now) =>
        new Map((await reassessmentsDue(q, caseIds, now, Infinity)).map((r) => [r.caseId, r])),
      mlaDeadlines: mlaDeadlinesOfCases,
      // "Referred by" for a case received from abroad: the sending node, named by the cross-border module.
      receivedFrom: (q, caseIds) => caseSenders(q, peers, caseIds),
    }),
  });
  const custody = new CustodyLogService(db, audit, {
    nodeId: config.nodeId,
    signingKey: keys.signingKey,
    formerKeys: keys.formerKeys,
  });
  const store = new FileBlobStore(config.evidenceDir);
  const peers = new PeersService(db, audit, {
    nodeId: config.nodeId,
    name: config.nodeName,
    country: config.country,
    signingKey: keys.signingKey,
    retired: keys.retired,
  });
  const messages = new MessagesService(db, audit, peers, {
    nodeId: config.nodeId,
    signingKey: keys.signingKey,
    keyCustody,
  });
  const evidence = new EvidenceService(db, audit, access, custody, store, {
    nodeId: config.nodeId,
    maxBytes: config.evidenceMaxBytes,
    // An item's free text is sealed under the data key of its case's survivor (survivors is built just below).
    sealerOf: async (q, caseId) => survivors.dataSealer(q, (await access.load(q, caseId)).survivorId),
  });
  const survivors = new SurvivorsService(db, audit, identityVault, {
    cases,
    access,
    sharedFields: referralSharing.sharedFields,
    destroyedKeys: DestroyedKeys.of(config),
  });
  // What a case came under from other nodes is the cross-border module's, built below: asked when a referral is made.
  const received = { receivedUnder: (q: Queryable, caseId: string) => built.crossBorder.receivedUnder(q, caseId) };
  const referrals = new ReferralsService(db, audit, { cases, survivors, access, received });
  // A withdrawal of consent to sharing in the country ends the referrals it covered, in the same transaction.
  survivors.onConsentChange('sharing_in_country', async (tx, found, actor, change) => {
    if (change === 'withdrawn') await referrals.endUncoveredReferrals(tx, found, actor);
  });
  const transfers = new TransfersService(
    db,
    audit,
    { messages, evidence, custody, peers, access },
    { nodeId: config.nodeId, keyCustody },
  );
  const built: Omit<Services, 'caseOverview' | 'workQueue'> = {
    config,
    db,
    keys,
    audit,
    users: new UsersService(db, audit, keys.kek, `Passage ${config.nodeName}`),
    auth: new AuthService(db, audit, keys.kek, { ...config.session, ...auth }),
    caseAccess: access,
    cases,
    survivors,
    care: new CareService(db, audit, { cases, survivors, access }),
    referrals,
    htcds: new HtcdsExchangeService(db, audit, { cases, survivors, access }),
    custody,
    evidence,
    evidencePackages: new EvidencePackages(db, audit, access, evidence, custody, store, config.nodeName, (ctx, items) =>
      transfers.checkExport(ctx, items),
    ),
    peers,
    messages,
    mla: new MlaService(db, audit, messages, {
      nodeId: config.nodeId,
      peers,
      keyCustody,
      access,
      transfers: () => transfers,
    }),
    jits: new JitService(db, audit, messages, { nodeId: config.nodeId, peers, keyCustody, transfers: () => transfers }),
    linkage: new LinkageService(db, audit, cases, messages, {
      nodeId: config.nodeId,
      peers,
      keyCustody,
      survivors,
      access,
    }),
    transfers,
    crossBorder: new CrossBorderService(db, audit, cases, survivors, messages, {
      nodeId: config.nodeId,
      peers,
      signingKey: keys.signingKey,
      formerEncryptionKeys: keys.formerEncryptionKeys,
      access,
      keyCustody,
    }),
  };
  const services: Services = {
    ...built,
    caseOverview: new CaseOverviewService(db, {
      access,
      cases,
      care: built.care,
      referrals,
      survivors,
      evidence,
      crossBorder: built.crossBorder,
      peers,
    }),
    workQueue: new WorkQueueService(db, audit, {
      referrals,
      crossBorder: built.crossBorder,
      mla: built.mla,
      linkage: built.linkage,
      peers,
    }),
  };
  // Federation knows no module above it: each module registers here the message types it takes from peers, and who
  // may read a case and where conversations about cases are kept (GET /api/cases/:caseId/messages).
  const { mla, jits, linkage, crossBorder } = services;
  messages.register(transfers.messageHandlers());
  messages.register(mla.messageHandlers());
  messages.register(jits.messageHandlers());
  messages.register(linkage.messageHandlers());
  messages.register(crossBorder.messageHandlers());
  messages.serveCaseMessages(
    (ctx, caseId) => access.readable(db, ctx, caseId),
    [
      (caseId) => crossBorder.caseConversations(caseId),
      (caseId) => mla.caseConversations(caseId),
      (caseId) => transfers.caseConversations(caseId),
    ],
  );
  return services;
}
