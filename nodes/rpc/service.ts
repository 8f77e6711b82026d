import * as z from 'zod';

// A service is declared once, by its procedures' argument and result schemas. Everything else (typed client
// stubs, server-side validation, the implementation's type) is derived from that declaration.

export interface ProcedureDecl<A extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  args: A;
  result: R;
  /** Changes nothing, so running it again is harmless: no dedup entry, no journal record. */
  readOnly?: boolean;
}

export type ProceduresDecl = Record<string, ProcedureDecl>;

export interface ServiceDecl<P extends ProceduresDecl = ProceduresDecl> {
  readonly name: string;
  readonly procedures: P;
}

export function defineService<const P extends ProceduresDecl>(name: string, procedures: P): ServiceDecl<P> {
  if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(name)) throw new Error(`service name "${name}" must be a word`);
  return { name, procedures };
}

export type ArgsOf<D extends ProcedureDecl> = z.input<D['args']>;
export type ResultOf<D extends ProcedureDecl> = z.output<D['result']>;

/** What a caller holds: one async method per procedure. */
export type ClientStub<S extends ServiceDecl> = {
  [K in keyof S['procedures']]: (args: ArgsOf<S['procedures'][K]>) => Promise<ResultOf<S['procedures'][K]>>;
};

/** What the server side learns about the call beyond its arguments. */
export interface CallContext {
  service: string;
  procedure: string;
  /** The caller's authenticated identity (its node id, or "harness"). */
  caller: string;
  key: { from: string; seq: number };
  /** Epoch ms after which the caller has stopped waiting. */
  deadline: number;
  /** Which worker runs the call: "<node>/worker-<i>". */
  worker: string;
  /** Executions to record durably together with the reply (the log service's effect). */
  record(execution: { id: string; intact: boolean; time?: number }): void;
}

/** What a server implements: one async function per procedure, typed from the declaration. */
export type ServiceImpl<S extends ServiceDecl> = {
  [K in keyof S['procedures']]: (
    args: z.output<S['procedures'][K]['args']>,
    context: CallContext,
  ) => Promise<z.input<S['procedures'][K]['result']>> | z.input<S['procedures'][K]['result']>;
};

/** Validate a value against a schema, with an error message that names the offending fields. */
export function check<T extends z.ZodType>(schema: T, value: unknown): { ok: true; value: z.output<T> } | { ok: false; message: string } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(value)'}: ${issue.message}`);
  return { ok: false, message: problems.join('; ') };
}

/** Thrown by a procedure to answer with an error code the caller can act on (e.g. `not-found`). */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
