// `chaoslab/node`: the runtime a node program is written against. A program is a function of the running node,
// registered by name; it sends and receives on mailboxes, serves and calls RPC services declared with zod.
export { Node, type Delivery, type HandlerContext, type ReceiveOptions, type SendOptions, type SendUntil } from './node.ts';
export type { MessageId } from './wire/messages.ts';
export { registerProgram, type ProgramStart } from './programs/index.ts';
export { defineService, ServiceError, type CallContext, type ClientStub, type ServiceDecl, type ServiceImpl } from './rpc/service.ts';
export { serveService, type ServeOptions } from './rpc/server.ts';
export { clientStub, type StubOptions } from './rpc/stub.ts';
export { callerFromNode, type Caller } from './rpc/caller.ts';
export { staticBinder, type Binder } from './rpc/binder.ts';
export { useNameService, type NameClient } from './names/client.ts';
export { deliveryStoresOf, type DeliveryStores } from './semantics/delivery-stores.ts';
export { CallGaveUp, CallNotSent, CallTimeout, NoServer } from './rpc/errors.ts';
export { ChaoslabError, ConnectionLost, NotSent, RemoteError, Timeout } from './errors.ts';
export type { Bug, Semantics } from './semantics/settings.ts';
// The schema library services are declared with, so that a program's schemas are the runtime's own.
export * as z from 'zod';
