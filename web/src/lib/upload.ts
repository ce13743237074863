// A GraphQL multipart request (the "GraphQL multipart request" spec: an `operations` part with
// the files as nulls, a `map` part naming where each file goes, then one part per file), sent
// with XMLHttpRequest because fetch reports no upload progress. Like `request`, it carries the
// session cookie and the console's header, and turns errors into `ApiError`s.
import type { TypedDocumentString } from '../gql/graphql';
import { ApiError, type ErrorCode, type FieldProblem } from './api';

export interface UploadProgress {
  /** Bytes sent so far. */
  loaded: number;
  /** Bytes in all, when the browser knows. */
  total: number | null;
  /** True once every byte is sent and the server is reading the files. */
  sent: boolean;
}

/**
 * Sends `files` as the list variable `fileVariable` (every other variable from `variables`),
 * calling `onProgress` as the bytes go out.
 */
export function uploadRequest<R, V>(
  document: TypedDocumentString<R, V>,
  variables: Omit<V, 'files'>,
  files: File[],
  onProgress: (progress: UploadProgress) => void,
  fileVariable = 'files',
): Promise<R> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: document.toString(), variables: { ...variables, [fileVariable]: files.map(() => null) } }));
  form.append('map', JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [`variables.${fileVariable}.${i}`]]))));
  files.forEach((file, i) => form.append(String(i), file, file.name));

  return new Promise<R>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/graphql');
    xhr.withCredentials = true;
    xhr.setRequestHeader('x-stride-console', '1');
    xhr.upload.addEventListener('progress', (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : null, sent: false }));
    xhr.upload.addEventListener('load', () => onProgress({ loaded: 1, total: 1, sent: true }));
    xhr.addEventListener('error', () => reject(new ApiError('network error', 'NETWORK')));
    xhr.addEventListener('abort', () => reject(new ApiError('the upload was cancelled', 'UNKNOWN')));
    xhr.addEventListener('load', () => {
      if (xhr.status === 401) {
        reject(new ApiError('You are not logged in.', 'UNAUTHENTICATED'));
        return;
      }
      if (xhr.status === 413) {
        reject(new ApiError('The files are larger than this server accepts at once. Upload fewer at a time.', 'BAD_INPUT'));
        return;
      }
      if (xhr.status === 429) {
        const wait = Number(xhr.getResponseHeader('retry-after'));
        reject(new ApiError('too many requests', 'RATE_LIMITED', [], Number.isFinite(wait) && wait > 0 ? wait : undefined));
        return;
      }
      let body: { data?: R | null; errors?: { message: string; extensions?: { code?: string; fields?: FieldProblem[] } }[] };
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        reject(new ApiError(`the server answered ${xhr.status} ${xhr.statusText}`, xhr.status >= 500 ? 'INTERNAL' : 'UNKNOWN'));
        return;
      }
      const first = body.errors?.[0];
      if (first) {
        const fields = body.errors!.flatMap((e) => e.extensions?.fields ?? []);
        reject(new ApiError(first.message, (first.extensions?.code ?? 'UNKNOWN') as ErrorCode, fields));
        return;
      }
      resolve(body.data as R);
    });
    xhr.send(form);
  });
}
