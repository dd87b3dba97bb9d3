/**
 * Every use case returns a Result: either the value, or a typed error a person can act on.
 * `field` names the input at fault, so a form can show the message beside it.
 */
export type ErrorCode =
  | 'not_set_up'
  | 'already_set_up'
  | 'forbidden'
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'no_seats'
  | 'limit_exceeded'
  | 'unsupported'
  /** The action is allowed but changes someone else's work: ask the person, then call again confirmed. */
  | 'needs_confirmation'
  /** Not done: the approval policy made it a request a second admin must approve (`requestId`). */
  | 'pending_approval';

export interface FieldError {
  field: string;
  message: string;
}

export interface CoreError {
  ok: false;
  code: ErrorCode;
  /** One sentence a person can act on. Never holds a secret. */
  message: string;
  /** Per-field problems (forms show each beside its field). */
  fields?: FieldError[];
  /** With `pending_approval`: the request that holds the change. */
  requestId?: string;
}

export type Result<T> = ({ ok: true } & T) | CoreError;

/** What a transaction or a step gave back: its value, or the typed error it was refused with. Told apart by `.ok`, as a Result is. */
export type Outcome<T> = { ok: true; value: T } | CoreError;

export function ok<T extends object>(value: T): { ok: true } & T {
  return { ok: true, ...value };
}

export function fail(code: ErrorCode, message: string, fields?: FieldError[]): CoreError {
  return fields && fields.length > 0 ? { ok: false, code, message, fields } : { ok: false, code, message };
}

/** A failure from a list of field problems; the message sums them up. */
export function invalidFields(fields: FieldError[]): CoreError {
  const first = fields[0];
  const message = fields.length === 1 && first ? first.message : `${fields.length} fields need attention: ${fields.map((f) => f.field).join(', ')}.`;
  return fail('invalid_input', message, fields);
}

/** Thrown inside a transaction to roll it back with a typed error; caught by `transaction` (transaction.ts). */
export class CoreFailure extends Error {
  constructor(readonly error: CoreError) {
    super(error.message);
  }
}
