import type { Socket } from '../env/index.ts';
import { ChaoslabError, codeOf, describe } from '../errors.ts';
import type { MailboxRegistry } from '../mailbox/registry.ts';
import { FramedConnection } from '../transport/connection.ts';
import {
  BUILT_IN_TYPES,
  errorAnswer,
  isRegisteredMessage,
  parseMessage,
  ridOf,
  type DoneMessage,
  type HelloMessage,
  type ReceiveMessage,
  type SendMessage,
} from '../wire/messages.ts';
import type { NodeCore } from './core.ts';
import type { HandlerMessage, HandlerRegistry } from './handlers.ts';
import { onDone, onReceive, onSend } from './mailbox-requests.ts';

export type Authenticator = (hello: HelloMessage) => { identity: string } | Error;
export type Admission = (message: SendMessage) => 'deliver' | 'duplicate';

/** What a program may plug into the inbound side: who may connect, and which sends are duplicates. */
export interface InboundHooks {
  authenticator: Authenticator;
  admission: Admission;
}

export interface InboundDeps {
  core: NodeCore;
  mailboxes: MailboxRegistry;
  handlers: HandlerRegistry;
  hooks: InboundHooks;
}

/** The answer of every node to a built-in request, by type; any other registered type goes to a handler. */
const BUILT_INS: Record<string, (session: InboundSession, message: HandlerMessage, raw: unknown) => void> = {
  send: (session, message) => onSend(session, message as unknown as SendMessage),
  receive: (session, message) => onReceive(session, message as unknown as ReceiveMessage),
  done: (session, message) => onDone(session, message as unknown as DoneMessage),
  ping: (session, message) => session.connection.write({ type: 'pong', rid: message.rid, node: session.deps.core.id }),
  stats: (session, message) => {
    const { core, mailboxes } = session.deps;
    session.connection.write({ type: 'stats-result', rid: message.rid, node: core.id, counters: core.counters, mailboxes: mailboxes.stats() });
  },
  hello: (session, _message, raw) => {
    // The identity of a connection never changes: a second hello is refused, and the connection goes on as before.
    session.deps.core.drop('invalid', { peer: session.identity, detail: 'second hello' });
    session.connection.write(errorAnswer('invalid', `hello was already said on this connection (as '${session.identity}')`, { rid: ridOf(raw) }));
  },
};

/** One connection a peer opened to this node: its hello and authentication, then its requests, one by one. */
export class InboundSession {
  readonly connection: FramedConnection;
  /** Identity the peer gave in its hello (after authentication); undefined until then. */
  identity: string | undefined;
  /** Aborted when the connection closes: its pending receives stop waiting. */
  readonly receivers = new AbortController();
  /** Refused at its first message and closing: frames already on their way are ignored. */
  private refused = false;

  constructor(
    socket: Socket,
    readonly deps: InboundDeps,
    onClose: (session: InboundSession) => void,
  ) {
    const { core } = deps;
    this.connection = new FramedConnection(
      socket,
      core.env.clock,
      core.config.maxFrameBytes,
      {
        message: (raw) => this.onMessage(raw),
        drop: (reason, detail) => {
          core.counters.rejectedFrames++;
          core.drop(reason, { peer: this.identity ?? this.connection.remote, detail });
        },
        close: () => {
          this.receivers.abort();
          deps.mailboxes.releaseReceiver(this.receiverName);
          onClose(this);
          core.log('disconnect', { peer: this.identity ?? null, direction: 'in', connection: this.connection.id });
        },
      },
      { verifyChecksum: core.behaviour.verifiesChecksum },
    );
    core.counters.connections++;
    core.log('connect', { direction: 'in', remote: this.connection.remote, connection: this.connection.id });
  }

  /** The receiver name of this connection's leases, released when it closes. */
  get receiverName(): string {
    return `${this.identity ?? 'anonymous'}@c${this.connection.id}`;
  }

  private onMessage(raw: unknown): void {
    try {
      this.handle(raw);
    } catch (error) {
      // A hook (admission, a handler's synchronous part) threw, or a limit was hit: answer, log, keep serving.
      if (!(error instanceof ChaoslabError)) this.deps.core.log('internal-error', { error: describe(error), connection: this.connection.id });
      const rid = (raw as { rid?: unknown } | null)?.rid;
      this.connection.write(errorAnswer(codeOf(error, 'internal'), describe(error), typeof rid === 'number' ? { rid } : {}));
    }
  }

  private handle(raw: unknown): void {
    if (this.refused) return;
    if (this.identity === undefined) {
      this.onFirstMessage(raw);
      return;
    }
    const { core, handlers } = this.deps;
    const { connection } = this;
    const type = (raw as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && !BUILT_IN_TYPES.has(type) && isRegisteredMessage(type) && !handlers.serves(type)) {
      // Decided before the schema: whether a node serves a type cannot depend on which schemas it happens to know.
      connection.write(errorAnswer('no-handler', `node '${core.id}' does not serve '${type}'`, { rid: ridOf(raw) }));
      return;
    }
    const parsed = parseMessage(raw);
    if (!parsed.ok) {
      core.drop('invalid', { peer: this.identity, detail: parsed.error });
      connection.write(errorAnswer('invalid', parsed.error, { rid: parsed.rid }));
      return;
    }
    const message = parsed.message as HandlerMessage;
    core.counters.messagesIn++;
    const builtIn = Object.hasOwn(BUILT_INS, message.type) ? BUILT_INS[message.type] : undefined;
    if (builtIn) builtIn(this, message, raw);
    else handlers.dispatch(message, this.identity, connection);
  }

  /**
   * The first valid message decides: a hello opens the connection, anything else is answered and closes it. A
   * frame that is no valid message (a hello without `node`, an unknown type) decides nothing, like a corrupt one:
   * it is answered `invalid` and the next message still must be hello.
   */
  private onFirstMessage(raw: unknown): void {
    const { core, hooks } = this.deps;
    const { connection } = this;
    const parsed = parseMessage(raw);
    if (!parsed.ok) {
      core.drop('invalid', { remote: connection.remote, detail: parsed.error });
      connection.write(errorAnswer('invalid', parsed.error, { rid: parsed.rid }));
      return;
    }
    if (parsed.message.type !== 'hello') {
      // Not a refusal of who the opener is: a lossy link can eat the hello frame. The opener reconnects.
      core.drop('hello-missing', { remote: connection.remote, type: parsed.message.type });
      connection.write(errorAnswer('hello-missing', 'a connection starts with hello'));
      this.refuse();
      return;
    }
    const hello = parsed.message as unknown as HelloMessage;
    const ownLab = core.config.lab;
    if (ownLab !== undefined && hello.lab !== undefined && hello.lab !== ownLab) {
      // Another lab's node or client, reaching us at an address that was its own lab's a moment ago (a port given
      // back and taken again): serving it would mix two labs' histories. A peer that says no lab id is served.
      core.drop('wrong-lab', { remote: connection.remote, claimed: hello.node, lab: hello.lab });
      connection.write(errorAnswer('wrong-lab', `node '${core.id}' belongs to lab '${ownLab}', not to lab '${hello.lab}'`));
      this.refuse();
      return;
    }
    let verdict: { identity: string } | Error;
    try {
      verdict = hooks.authenticator(hello);
    } catch (error) {
      verdict = error instanceof Error ? error : new Error(String(error));
    }
    if (verdict instanceof Error) {
      core.drop('unauthenticated', { remote: connection.remote, claimed: hello.node, detail: verdict.message });
      connection.write(errorAnswer('unauthenticated', verdict.message));
      this.refuse();
      return;
    }
    this.identity = verdict.identity;
    core.log('hello', { peer: verdict.identity, connection: connection.id });
    connection.write({ type: 'welcome', node: core.id, ...(ownLab === undefined ? {} : { lab: ownLab }) });
  }

  private refuse(): void {
    this.refused = true;
    void this.connection.end();
  }
}
