// GraphQL subscriptions over /graphql/ws with the graphql-transport-ws protocol. The server
// takes the session cookie on a same-origin upgrade, so `connection_init` carries an empty
// payload. One socket is shared by every subscription; it reconnects with backoff while
// anyone listens, and closes shortly after the last one leaves.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { TypedDocumentString } from '../gql/graphql';

export type LiveStatus = 'connecting' | 'live' | 'offline';

interface Sub {
  query: string;
  variables: unknown;
  next: (data: unknown) => void;
  error: (message: string) => void;
}

const subs = new Map<string, Sub>();
const statusListeners = new Set<(s: LiveStatus) => void>();
let socket: WebSocket | null = null;
let acked = false;
let status: LiveStatus = 'offline';
let counter = 0;
let retries = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

function setStatus(next: LiveStatus): void {
  status = next;
  for (const listener of statusListeners) listener(next);
}

function send(message: unknown): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function subscribeOnSocket(id: string, sub: Sub): void {
  send({ id, type: 'subscribe', payload: { query: sub.query, variables: sub.variables } });
}

function connect(): void {
  if (socket || subs.size === 0) return;
  clearTimeout(retryTimer);
  setStatus('connecting');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql/ws`;
  const ws = new WebSocket(url, 'graphql-transport-ws');
  socket = ws;
  acked = false;
  ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  ws.onmessage = (event) => {
    let message: { type: string; id?: string; payload?: unknown };
    try {
      message = JSON.parse(String(event.data));
    } catch {
      return;
    }
    switch (message.type) {
      case 'connection_ack':
        acked = true;
        retries = 0;
        setStatus('live');
        for (const [id, sub] of subs) subscribeOnSocket(id, sub);
        break;
      case 'ping':
        send({ type: 'pong' });
        break;
      case 'next': {
        const payload = message.payload as { data?: unknown; errors?: { message: string }[] };
        const sub = message.id ? subs.get(message.id) : undefined;
        if (!sub) break;
        if (payload.errors?.length) sub.error(payload.errors.map((e) => e.message).join('; '));
        else sub.next(payload.data);
        break;
      }
      case 'error': {
        const sub = message.id ? subs.get(message.id) : undefined;
        const errors = message.payload as { message: string }[];
        sub?.error(Array.isArray(errors) ? errors.map((e) => e.message).join('; ') : 'subscription refused');
        break;
      }
      default:
        break;
    }
  };
  ws.onclose = () => {
    if (socket === ws) socket = null;
    acked = false;
    if (subs.size === 0) {
      setStatus('offline');
      return;
    }
    setStatus('offline');
    const delay = Math.min(30_000, 1000 * 2 ** retries++) * (0.75 + Math.random() / 2);
    retryTimer = setTimeout(connect, delay);
  };
}

export function subscribe<R, V>(document: TypedDocumentString<R, V>, variables: V, next: (data: R) => void, error: (message: string) => void = () => undefined): () => void {
  const id = String(++counter);
  const sub: Sub = { query: document.toString(), variables, next: next as (d: unknown) => void, error };
  subs.set(id, sub);
  clearTimeout(idleTimer);
  if (!socket) connect();
  else if (acked) subscribeOnSocket(id, sub);
  return () => {
    subs.delete(id);
    if (acked) send({ id, type: 'complete' });
    if (subs.size === 0) {
      idleTimer = setTimeout(() => {
        if (subs.size === 0 && socket) {
          socket.close(1000, 'no subscriptions');
          socket = null;
          setStatus('offline');
        }
      }, 2000);
    }
  };
}

/** Subscribes while mounted; returns the connection's status for a "live" indicator. */
export function useSubscription<R, V>(document: TypedDocumentString<R, V>, variables: V, onData: (data: R) => void, enabled = true): LiveStatus {
  const [state, setState] = useState<LiveStatus>(status);
  const handler = useRef(onData);
  handler.current = onData;
  const key = JSON.stringify(variables ?? {});
  useEffect(() => {
    statusListeners.add(setState);
    setState(status);
    return () => void statusListeners.delete(setState);
  }, []);
  useEffect(() => {
    if (!enabled) return;
    return subscribe(document, JSON.parse(key) as V, (data) => handler.current(data));
  }, [document, key, enabled]);
  return state;
}
