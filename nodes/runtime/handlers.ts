import { codeOf, describe } from '../errors.ts';
import type { FramedConnection } from '../transport/connection.ts';
import { AnyRequest, BUILT_IN_TYPES, errorAnswer, isRegisteredMessage, registerMessage } from '../wire/messages.ts';
import type { NodeCore } from './core.ts';

export interface HandlerContext {
  /** Identity the other side gave in its hello (after authentication). */
  peer: string;
  /** Answer on the connection the request came in on, tagged with its rid; lost if that connection died. */
  reply(answer: object): void;
  connectionId: number;
}
export type HandlerMessage = { type: string; rid?: number } & Record<string, unknown>;
export type Handler = (message: HandlerMessage, ctx: HandlerContext) => Promise<unknown> | unknown;

/** The message types a program serves, and the running of one handler for one request. */
export class HandlerRegistry {
  private readonly handlers = new Map<string, Handler>();

  constructor(private readonly core: NodeCore) {}

  /** Serve requests of `type`. A handler's return value (if not undefined) is the answer, unless it replied itself. */
  register(type: string, handler: Handler): void {
    if (BUILT_IN_TYPES.has(type)) throw new Error(`'${type}' is a built-in message type; it cannot be handled by a program`);
    if (!isRegisteredMessage(type)) registerMessage(type, AnyRequest);
    this.handlers.set(type, handler);
  }

  serves(type: string): boolean {
    return this.handlers.has(type);
  }

  /** Run the handler of a request that came in on `connection` from `peer`; its answer goes back there. */
  dispatch(message: HandlerMessage, peer: string, connection: FramedConnection): void {
    const { core } = this;
    const handler = this.handlers.get(message.type)!;
    core.log('msg-in', { type: message.type, rid: message.rid, peer });
    let replied = false;
    const ctx: HandlerContext = {
      peer,
      connectionId: connection.id,
      reply: (answer) => {
        replied = true;
        try {
          connection.write({ ...answer, rid: message.rid });
        } catch (error) {
          // An answer JSON cannot carry (a BigInt, a cycle) is the handler's bug; the caller still gets an answer.
          core.log('internal-error', { type: message.type, error: describe(error) });
          connection.write(errorAnswer('internal', `answer to '${message.type}' is not JSON: ${describe(error)}`, { rid: message.rid }));
        }
      },
    };
    void (async () => {
      try {
        const result = await handler(message, ctx);
        if (result !== undefined && !replied) ctx.reply(result as object);
      } catch (error) {
        if (!replied) ctx.reply(errorAnswer(codeOf(error, 'handler-failed'), describe(error)));
        else core.log('handler-error', { type: message.type, error: describe(error) });
      }
    })();
  }
}
