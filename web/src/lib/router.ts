// A small history-API router: links are plain <a href> (so they work with the keyboard, open
// in new tabs and survive without JavaScript semantics), and same-origin clicks are handled
// here instead of reloading the page.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();
let navigated = false;

function notify(): void {
  navigated = true;
  for (const listener of listeners) listener();
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.scrollTo(0, 0);
  notify();
}

/** Whether the page was reached by navigating inside the console (not the first load). */
export function hasNavigated(): boolean {
  return navigated;
}

export interface Location {
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  return { path: location.pathname.replace(/\/+$/, '') || '/', query: new URLSearchParams(location.search) };
}

export function useLocation(): Location {
  const [where, setWhere] = useState(current);
  useEffect(() => {
    const update = () => setWhere(current());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return where;
}

/** Paths served by the server rather than the console. */
const SERVER_PATHS = /^\/(graphql|oauth|console|webhooks|healthz|readyz)(\/|$)/;

export function installLinkHandler(): void {
  window.addEventListener('popstate', notify);
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || SERVER_PATHS.test(url.pathname)) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}

/** Matches `path` against a pattern like `/athletes/:athleteId/plan`. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const names: string[] = [];
  const source = pattern.replace(/:(\w+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const found = new RegExp(`^${source}$`).exec(path);
  if (!found) return null;
  const params: Record<string, string> = {};
  names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1]!)));
  return params;
}
