/**
 * Photos of the survivor, part of their identity (issue #3): encrypted under the person's data key, shown only to
 * someone with a permitted role and a stated purpose (each view is a disclosure), and destroyed with the key when
 * the person is erased. Agencies that received the case by referral get no photos: a referral shares named
 * identity fields, and none of them is a photo.
 */
import { ulid } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { type Action, actorRef, can, type Purpose } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { CaseAccess, CaseRow, CasesService } from '../cases/index.ts';
import { checkPhoto, PHOTO_FIELD, PHOTOS_PER_PERSON } from './photo-content.ts';
import * as photos from './photos.repository.ts';
import * as repo from './survivors.repository.ts';
import type { VaultOpener } from './vault-opener.ts';

export type { PhotoMeta } from './photos.repository.ts';

export interface PhotoContent {
  photo: photos.PhotoMeta;
  image: Buffer;
}

type LivePerson = repo.PersonRow & { wrappedKey: string };

export class PhotosService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #vault: VaultOpener;
  readonly #cases: CasesService;
  readonly #access: CaseAccess;

  constructor(db: Db, audit: AuditService, vault: VaultOpener, deps: { cases: CasesService; access: CaseAccess }) {
    this.#db = db;
    this.#audit = audit;
    this.#vault = vault;
    this.#cases = deps.cases;
    this.#access = deps.access;
  }

  /** Adds a photo of the survivor; the type is read from the image's own bytes. */
  async add(ctx: RequestContext, caseId: string, image: Buffer): Promise<photos.PhotoMeta> {
    const found = await this.#access.load(this.#db, caseId);
    await this.#access.authorize(this.#db, ctx, 'survivor.update_identity', found);
    // After the policy: a caller who may not add a photo is refused whatever the file is.
    const mediaType = checkPhoto(image);
    const vault = await this.#vault();
    const id = ulid();
    return this.#db.transaction(async (tx) => {
      // The row lock makes two uploads at once count each other against the limit.
      const person = await livePerson(tx, found.survivorId, true);
      if ((await photos.countPhotos(tx, person.id)) >= PHOTOS_PER_PERSON) {
        throw new AppError(
          'photo_limit_reached',
          409,
          `A survivor can have at most ${PHOTOS_PER_PERSON} photos. Delete one before adding another.`,
        );
      }
      const actor = actorRef(ctx.actor);
      const photo = await photos.insertPhoto(tx, {
        id,
        personId: person.id,
        mediaType,
        size: image.length,
        sealed: vault.sealPhoto(person.id, person.wrappedKey, id, image),
        createdBy: actor,
      });
      await this.#changed(tx, ctx, caseId, person.id, { fields: [PHOTO_FIELD], photoId: id, change: 'added' });
      return photo;
    });
  }

  /** The photos on record, without their images: nothing here identifies anyone. */
  async list(ctx: RequestContext, caseId: string): Promise<photos.PhotoMeta[]> {
    const found = await this.#access.load(this.#db, caseId);
    await this.#authorizeOwnSide(ctx, 'case.read', found);
    const person = await livePerson(this.#db, found.survivorId);
    const listed = await photos.listPhotos(this.#db, person.id);
    await this.#audit.recordRead(ctx, {
      action: 'photo.list',
      resource: `case:${caseId}`,
      resources: listed.map((p) => `photo:${p.id}`),
    });
    return listed;
  }

  /** Decrypts one photo for a stated purpose and records the disclosure, as reading the identity does. */
  async read(
    ctx: RequestContext,
    caseId: string,
    photoId: string,
    purpose: Purpose | undefined,
  ): Promise<PhotoContent> {
    const found = await this.#access.load(this.#db, caseId);
    await this.#authorizeOwnSide(ctx, 'survivor.read_identity', found, purpose);
    const person = await livePerson(this.#db, found.survivorId);
    const stored = await photos.findPhoto(this.#db, person.id, photoId);
    if (!stored) throw notFound('The photo');
    const { sealed, ...photo } = stored;
    const image = (await this.#vault()).openPhoto(person.id, person.wrappedKey, photo.id, sealed);
    await this.#db.transaction(async (tx) => {
      await repo.insertDisclosure(tx, {
        personId: person.id,
        actor: actorRef(ctx.actor),
        agencyId: found.agencyId,
        kind: 'view',
        purpose: purpose as string,
        fields: [PHOTO_FIELD],
        recipient: null,
        requestId: ctx.requestId,
      });
      await this.#cases.recordEvent(tx, caseId, actorRef(ctx.actor), 'identity_viewed', {
        purpose,
        fields: [PHOTO_FIELD],
        photoId: photo.id,
      });
      await this.#audit.record(tx, ctx, {
        action: 'survivor.read_identity',
        resource: `person:${person.id}`,
        purpose,
        outcome: 'success',
      });
    });
    return { photo, image };
  }

  async remove(ctx: RequestContext, caseId: string, photoId: string): Promise<void> {
    const found = await this.#access.load(this.#db, caseId);
    await this.#access.authorize(this.#db, ctx, 'survivor.update_identity', found);
    await this.#db.transaction(async (tx) => {
      const person = await livePerson(tx, found.survivorId, true);
      if (!(await photos.deletePhoto(tx, person.id, photoId))) throw notFound('The photo');
      await this.#changed(tx, ctx, caseId, person.id, { fields: [PHOTO_FIELD], photoId, change: 'removed' });
    });
  }

  async #changed(
    tx: Queryable,
    ctx: RequestContext,
    caseId: string,
    personId: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.#cases.recordEvent(tx, caseId, actorRef(ctx.actor), 'identity_updated', data);
    await this.#audit.record(tx, ctx, {
      action: 'survivor.update_identity',
      resource: `person:${personId}`,
      outcome: 'success',
    });
  }

  /**
   * Asks the policy layer, then lets only the case's own side through: the owning agency, node-wide roles and the
   * console. A receiving agency passes the policy for the case, but no referral shares photos; its attempt is
   * recorded as refused.
   */
  async #authorizeOwnSide(ctx: RequestContext, action: Action, found: CaseRow, purpose?: Purpose) {
    await this.#access.authorize(this.#db, ctx, action, found, { purpose });
    if (can(ctx.actor, action, { agencyId: found.agencyId }, purpose).allowed) return;
    await this.#audit.recordDenied(ctx, action, `case:${found.id}`, purpose);
    throw new AppError('photos_not_shared', 403, "The survivor's photos are not shared with your agency.");
  }
}

async function livePerson(q: Queryable, personId: string, forUpdate = false): Promise<LivePerson> {
  const person = await repo.findPerson(q, personId, forUpdate);
  if (!person?.wrappedKey) {
    throw new AppError('identity_erased', 410, "The survivor's identity was erased at their request.");
  }
  return person as LivePerson;
}
