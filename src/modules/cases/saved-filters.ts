/**
 * A user's saved filters of the case list: her own preferences (a stage, a reference, "my cases", an order), no case
 * data. Each user sees and changes only hers; saving and deleting are audited.
 */
import { ulid } from 'ulid';
import type { Db } from '../../db/client.ts';
import { AppError, invalid, notFound } from '../../lib/errors.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import * as repo from './case-list.repository.ts';

export const FILTERS_MAX = 50;
export const FILTER_NAME_MAX = 60;

export class SavedFilters {
  readonly #db: Db;
  readonly #audit: AuditService;

  constructor(db: Db, audit: AuditService) {
    this.#db = db;
    this.#audit = audit;
  }

  list(ctx: RequestContext): Promise<repo.SavedFilter[]> {
    return repo.savedFilters(this.#db, userOf(ctx));
  }

  async create(ctx: RequestContext, input: { name: string; filter: Record<string, unknown> }) {
    const userId = userOf(ctx);
    const name = input.name.trim();
    if (!name) throw invalid('Give the filter a name.');
    if (name.length > FILTER_NAME_MAX) throw invalid(`The name is longer than ${FILTER_NAME_MAX} characters.`);
    return this.#db.transaction(async (tx) => {
      if ((await repo.countSavedFilters(tx, userId)) >= FILTERS_MAX) {
        throw new AppError('too_many_filters', 409, `You have ${FILTERS_MAX} saved filters: delete one first.`);
      }
      const saved = await repo.insertSavedFilter(tx, { id: ulid(), userId, name, filter: input.filter });
      await this.#audit.record(tx, ctx, {
        action: 'case.filter_save',
        resource: `case_filter:${saved.id}`,
        outcome: 'success',
      });
      return saved;
    });
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    const userId = userOf(ctx);
    await this.#db.transaction(async (tx) => {
      if (!(await repo.deleteSavedFilter(tx, userId, id))) throw notFound('The saved filter');
      await this.#audit.record(tx, ctx, {
        action: 'case.filter_delete',
        resource: `case_filter:${id}`,
        outcome: 'success',
      });
    });
  }
}

/** Saved filters belong to people: an operator or a node has none. */
function userOf(ctx: RequestContext): string {
  if (ctx.actor.kind !== 'user') throw new AppError('forbidden', 403, 'Saved filters belong to signed-in users.');
  return ctx.actor.userId;
}
