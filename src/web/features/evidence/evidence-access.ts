import type { SessionUser } from '../../api.ts';
import type { Case } from '../cases/cases-api.ts';
import { allowsOnCase } from '../cases/vocabulary.ts';

/**
 * Whether the user may see the case's evidence at all: the case page shows the panel only then. A file of its own, so
 * that the case page can ask without loading the evidence panel, which comes in its own file when it is opened.
 */
export const canReadEvidence = (user: SessionUser, found: Case) => allowsOnCase(user, 'evidence.read', found);
