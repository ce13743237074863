// The one way the console talks to Stride: POST /graphql with the session cookie and the
// console's header (the cookie alone authorizes nothing). Errors become `ApiError`s carrying
// the API's `extensions.code`, the fields a BAD_INPUT names, and RATE_LIMITED's wait.
import type { TypedDocumentString } from '../gql/graphql';

export type ErrorCode =
  | 'BAD_INPUT'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'INTERNAL'
  | 'NETWORK'
  | 'UNKNOWN';

export interface FieldProblem {
  field: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode,
    readonly fields: FieldProblem[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** A sentence for a person: what went wrong and, where it helps, what to do. */
  get plain(): string {
    switch (this.code) {
      case 'RATE_LIMITED':
        return `Too many requests. Try again in ${this.retryAfterSeconds ?? 'a few'} seconds.`;
      case 'FORBIDDEN':
        return `Not allowed: ${this.message}`;
      case 'NOT_FOUND':
        return `Not found: ${this.message}`;
      case 'CONFLICT':
        return `Conflict: ${this.message}`;
      case 'NETWORK':
        return 'Stride could not be reached. Check the connection and try again.';
      case 'BAD_INPUT':
        return this.fields.length
          ? `Please check: ${this.fields.map((f) => `${f.field} ${f.reason}`).join('; ')}`
          : this.message;
      default:
        return this.message;
    }
  }

  /** The problems by field name (the last segment, so `input.rpe` and `rpe` both match). */
  get byField(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { field, reason } of this.fields) {
      const key = field.split('.').pop() ?? field;
      out[key] = out[key] ? `${out[key]}; ${reason}` : reason;
    }
    return out;
  }
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) return new ApiError(error.message, 'UNKNOWN');
  return new ApiError(String(error), 'UNKNOWN');
}

let unauthenticated: () => void = () => undefined;

/** What to do when the session is gone (the app sends the user to the login page). */
export function onUnauthenticated(handler: () => void): void {
  unauthenticated = handler;
}

interface GraphqlErrorBody {
  message: string;
  extensions?: { code?: string; fields?: FieldProblem[]; retryAfterSeconds?: number };
}

function retryAfter(response: Response): number | undefined {
  const value = Number(response.headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export async function request<R, V>(document: TypedDocumentString<R, V>, variables?: V): Promise<R> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-stride-console': '1' },
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
  } catch {
    throw new ApiError('network error', 'NETWORK');
  }
  if (response.status === 401) {
    unauthenticated();
    throw new ApiError('You are not logged in.', 'UNAUTHENTICATED');
  }
  if (response.status === 429) {
    const wait = retryAfter(response);
    throw new ApiError('too many requests', 'RATE_LIMITED', [], wait);
  }
  let body: { data?: R | null; errors?: GraphqlErrorBody[] };
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`the server answered ${response.status} ${response.statusText}`, response.status >= 500 ? 'INTERNAL' : 'UNKNOWN');
  }
  const first = body.errors?.[0];
  if (first) {
    const code = (first.extensions?.code ?? 'UNKNOWN') as ErrorCode;
    if (code === 'UNAUTHENTICATED') unauthenticated();
    const fields = body.errors!.flatMap((e) => e.extensions?.fields ?? []);
    throw new ApiError(first.message, code, fields, first.extensions?.retryAfterSeconds);
  }
  return body.data as R;
}

/** A console session request (`/console/session`, `/console/signup`). */
export async function sessionRequest<T>(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<T | null> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { 'x-stride-console': '1' } : { 'content-type': 'application/json', 'x-stride-console': '1' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('network error', 'NETWORK');
  }
  if (response.status === 204) return null;
  const json = (await response.json().catch(() => ({}))) as {
    error?: string;
    code?: ErrorCode;
    fields?: FieldProblem[] | null;
  } & T;
  if (!response.ok) {
    const code = json.code ?? (response.status === 429 ? 'RATE_LIMITED' : 'UNKNOWN');
    throw new ApiError(json.error ?? `${response.status} ${response.statusText}`, code, json.fields ?? [], retryAfter(response));
  }
  return json;
}
