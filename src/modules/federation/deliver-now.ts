import type { Services } from '../../app/services.ts';

/**
 * Delivers what nodes running in one process have queued for each other, now rather than at their delivery workers'
 * next round, until none has a message left to send (or, after `rounds` rounds, what is left waits for the workers).
 * For seeding the demo and for tests that follow a conversation step by step.
 */
export async function deliverNow(nodes: Iterable<Pick<Services, 'messages' | 'db'>>, rounds = 200): Promise<boolean> {
  const all = [...nodes];
  for (let round = 0; round < rounds; round++) {
    let queued = 0;
    for (const { messages, db } of all) {
      // A little ahead: PostgreSQL stamps a queued message with its own clock.
      await messages.deliverDue(new Date(Date.now() + 5000));
      const [row] = await db.query<{ n: number }>(
        "select count(*)::int as n from federation_messages where direction = 'out' and status = 'queued'",
      );
      queued += row?.n ?? 0;
    }
    if (queued === 0) return true;
    // A message in flight with a delivery worker is not due for this round: give it time to come back.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}
