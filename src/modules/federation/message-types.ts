import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Queryable } from '../../db/client.ts';
import type { Message } from './messages.ts';

export interface MessageHandler {
  /** The body's schema; a body that fails it is rejected with `body_invalid`. */
  body: TSchema;
  /** Applies the message, in the transaction that records it: once per message id. */
  accept?(tx: Queryable, message: Message): Promise<void>;
}

/** A module's message types, each with its handler: what the module registers in the composition root. */
export type MessageHandlers = Readonly<Record<string, MessageHandler>>;

/** The message types this node takes, with their bodies' schemas compiled once. */
export class MessageTypes {
  readonly #handlers = new Map<string, { check: ReturnType<typeof Compile>; accept?: MessageHandler['accept'] }>();

  register(handlers: MessageHandlers): void {
    for (const [type, handler] of Object.entries(handlers)) {
      if (this.#handlers.has(type)) throw new Error(`message type ${type} is registered twice`);
      this.#handlers.set(type, { check: Compile(handler.body), accept: handler.accept });
    }
  }

  get(type: string) {
    return this.#handlers.get(type);
  }
}
