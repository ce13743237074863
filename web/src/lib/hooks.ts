import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { TypedDocumentString } from '../gql/graphql';
import { ApiError, asApiError, request } from './api';

export interface QueryState<R> {
  data: R | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
  setData: (update: (previous: R | undefined) => R | undefined) => void;
}

/** Runs a query when `variables` change; keeps the previous answer while a new one loads. */
export function useQuery<R, V>(document: TypedDocumentString<R, V>, variables: V, options: { skip?: boolean } = {}): QueryState<R> {
  const skip = options.skip ?? false;
  const key = JSON.stringify(variables ?? {});
  const [data, setData] = useState<R | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(!skip);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (skip) {
      setLoading(false);
      return;
    }
    let live = true;
    setLoading(true);
    setError(undefined);
    request(document, JSON.parse(key) as V).then(
      (answer) => {
        if (!live) return;
        setData(answer);
        setLoading(false);
      },
      (failure) => {
        if (!live) return;
        setError(asApiError(failure));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [document, key, nonce, skip]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, reload, setData };
}

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  busy: boolean;
  error: ApiError | undefined;
  clear: () => void;
}

/** Wraps a mutation (or any call): `busy` while it runs, its `ApiError` when it fails. */
export function useAction<A extends unknown[], R>(call: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const latest = useRef(call);
  latest.current = call;
  const run = useCallback(async (...args: A) => {
    setBusy(true);
    setError(undefined);
    try {
      return await latest.current(...args);
    } catch (failure) {
      setError(asApiError(failure));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, busy, error, clear: () => setError(undefined) };
}
