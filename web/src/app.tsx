import type { ComponentType } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ErrorNotice, Loading, Page } from './components/ui';
import { graphql } from './gql';
import { ApiError, asApiError, onUnauthenticated, request, sessionRequest } from './lib/api';
import { useQuery } from './lib/hooks';
import { match, navigate, useLocation } from './lib/router';
import { MeQuery, ScopeContext, SessionContext, can, sessionEvents, trains, useSession, type Me, type Scope, type Session } from './lib/session';

type PageModule = { default: ComponentType<{ params: Record<string, string> }> };
type Loader = () => Promise<PageModule>;

const loaded = new Map<Loader, PageModule>();

/** Renders a lazily loaded page module. */
function Lazy(props: { loader: Loader; params: Record<string, string> }) {
  const [module, setModule] = useState<PageModule | undefined>(() => loaded.get(props.loader));
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    const known = loaded.get(props.loader);
    if (known) {
      setModule(() => known);
      return;
    }
    let live = true;
    setModule(undefined);
    props.loader().then(
      (m) => {
        loaded.set(props.loader, m);
        if (live) setModule(() => m);
      },
      (e) => live && setError(new ApiError(`This page could not be loaded (${asApiError(e).message}). Reload to try again.`, 'NETWORK')),
    );
    return () => {
      live = false;
    };
  }, [props.loader]);
  if (error) return <ErrorNotice error={error} />;
  if (!module) return <Loading />;
  const View = module.default;
  return <View params={props.params} />;
}

const pages = {
  login: () => import('./pages/login'),
  signup: () => import('./pages/signup'),
  onboarding: () => import('./pages/onboarding'),
  profile: () => import('./pages/profile'),
  settings: () => import('./pages/settings'),
  today: () => import('./pages/today'),
  performance: () => import('./pages/performance'),
  activities: () => import('./pages/activities'),
  activity: () => import('./pages/activity'),
  days: () => import('./pages/days'),
  insights: () => import('./pages/insights'),
  digest: () => import('./pages/digest'),
  plan: () => import('./pages/plan'),
  proposals: () => import('./pages/proposals'),
  log: () => import('./pages/log'),
  connections: () => import('./pages/connections'),
  coaches: () => import('./pages/coaches'),
  athletes: () => import('./pages/athletes'),
  rules: () => import('./pages/rules'),
  audit: () => import('./pages/admin-audit'),
  users: () => import('./pages/admin-users'),
  plugins: () => import('./pages/admin-plugins'),
  ingestion: () => import('./pages/admin-ingestion'),
} satisfies Record<string, Loader>;

/** Pages of one athlete, shown for the viewer (`/…`) or, to a coach, under `/athletes/:id/…`. */
const athletePages: [string, Loader][] = [
  ['', pages.today],
  ['/performance', pages.performance],
  ['/activities', pages.activities],
  ['/activities/:id', pages.activity],
  ['/days', pages.days],
  ['/insights', pages.insights],
  ['/plan', pages.plan],
  ['/proposals', pages.proposals],
  ['/log', pages.log],
  ['/rules', pages.rules],
];

const ownPages: [string, Loader][] = [
  ['/onboarding', pages.onboarding],
  ['/profile', pages.profile],
  ['/settings', pages.settings],
  ['/digest', pages.digest],
  ['/connections', pages.connections],
  ['/coaches', pages.coaches],
  ['/athletes', pages.athletes],
  ['/admin/audit', pages.audit],
  ['/admin/users', pages.users],
  ['/admin/plugins', pages.plugins],
  ['/admin/ingestion', pages.ingestion],
];

function home(me: Me): string {
  if (trains(me)) return '/';
  if (can(me, 'READ_AUDIT')) return '/admin/audit';
  if (can(me, 'MANAGE_USERS') || can(me, 'INVITE_USERS')) return '/admin/users';
  return '/profile';
}

const PUBLIC = new Set(['/login', '/signup']);

export function App() {
  const where = useLocation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [bootError, setBootError] = useState<ApiError>();

  const refresh = useCallback(async () => {
    try {
      const answer = await request(MeQuery, {});
      setMe({ ...answer.me, impersonation: answer.impersonation });
      setBootError(undefined);
    } catch (e) {
      const error = asApiError(e);
      if (error.code === 'UNAUTHENTICATED') setMe(null);
      else setBootError(error);
    }
  }, []);

  useEffect(() => {
    sessionEvents.refresh = refresh;
    onUnauthenticated(() => setMe(null));
    void refresh();
  }, [refresh]);

  const logout = useCallback(async () => {
    try {
      await sessionRequest('DELETE', '/console/session');
    } finally {
      setMe(null);
      navigate('/login', { replace: true });
    }
  }, []);

  // Logged out on a page that needs a session: go to the login page, then come back.
  useEffect(() => {
    if (me === null && !PUBLIC.has(where.path)) {
      const next = where.path === '/' ? '' : `?next=${encodeURIComponent(where.path + (where.query.size ? `?${where.query}` : ''))}`;
      navigate(`/login${next}`, { replace: true });
    }
  }, [me, where.path]);

  const session = useMemo<Session | null>(() => (me ? { me, refresh, logout } : null), [me, refresh, logout]);

  if (bootError) {
    return (
      <main id="main" class="narrow">
        <h1>Stride</h1>
        <ErrorNotice error={bootError} retry={() => void refresh()} />
      </main>
    );
  }
  if (me === undefined) return <Loading what="Stride" />;

  if (!session) {
    const loader = where.path === '/signup' ? pages.signup : pages.login;
    return (
      <>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <span class="brand">Stride</span>
        </header>
        <main id="main" tabIndex={-1} class="narrow">
          <Lazy loader={loader} params={{}} key={where.path} />
        </main>
      </>
    );
  }

  return (
    <SessionContext.Provider value={session}>
      <Shell me={me!} path={where.path} />
    </SessionContext.Provider>
  );
}

function Shell(props: { me: Me; path: string }) {
  const { me, path } = props;
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);

  if (PUBLIC.has(path)) {
    const next = new URLSearchParams(location.search).get('next');
    navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : home(me), { replace: true });
    return <Loading />;
  }
  if (path === '/' && !trains(me)) {
    navigate(home(me), { replace: true });
    return <Loading />;
  }

  let content = null;
  const coachedMatch = /^\/athletes\/([^/]+)(\/.*)?$/.exec(path);
  if (coachedMatch) {
    content = <CoachedAthlete athleteId={decodeURIComponent(coachedMatch[1]!)} rest={coachedMatch[2] ?? ''} />;
  } else {
    for (const [pattern, loader] of ownPages) {
      const params = match(pattern, path);
      if (params) {
        content = <Lazy loader={loader} params={params} />;
        break;
      }
    }
    if (!content) {
      const own = ownScope(me);
      for (const [pattern, loader] of athletePages) {
        const params = match(pattern || '/', path);
        if (params && pattern !== '/rules') {
          content = (
            <ScopeContext.Provider value={own}>
              <Lazy loader={loader} params={params} />
            </ScopeContext.Provider>
          );
          break;
        }
      }
    }
  }

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      {me.impersonation && <ImpersonationBanner me={me} />}
      <header class="top">
        <a class="brand" href={home(me)}>
          Stride
        </a>
        <button type="button" class="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <Nav me={me} path={path} open={menuOpen} />
      </header>
      <main id="main" tabIndex={-1}>
        {content ?? <NotFound />}
      </main>
    </>
  );
}

/** While an admin acts as this user: who, why, until when, and the way back. */
function ImpersonationBanner(props: { me: Me }) {
  const imp = props.me.impersonation!;
  const [error, setError] = useState<ApiError>();
  const stop = async () => {
    try {
      await sessionRequest('DELETE', '/console/impersonation');
      location.assign('/admin/users');
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <div class="impersonation" role="status">
      <p>
        <strong>
          {imp.by.displayName} is acting as {props.me.displayName}
        </strong>{' '}
        ({props.me.email}) until {new Date(imp.until).toLocaleTimeString()}. Reason: “{imp.reason}”. Everything done here is audited under both
        names.
      </p>
      <button type="button" class="small" onClick={() => void stop()}>
        Stop acting as {props.me.displayName}
      </button>
      {error && <p role="alert">{error.message}</p>}
    </div>
  );
}

function ownScope(me: Me): Scope {
  return { athleteId: null, name: me.displayName, canWrite: true, base: '', timeZone: me.timeZone, self: true };
}

function NavLink(props: { href: string; path: string; children: string; exact?: boolean }) {
  const active = props.exact ? props.path === props.href : props.path === props.href || props.path.startsWith(`${props.href}/`);
  return (
    <li>
      <a href={props.href} aria-current={active ? 'page' : undefined}>
        {props.children}
      </a>
    </li>
  );
}

function Nav(props: { me: Me; path: string; open: boolean }) {
  const { me, path } = props;
  const { logout } = useSession();
  const admin = can(me, 'READ_AUDIT') || can(me, 'MANAGE_USERS') || can(me, 'INVITE_USERS') || can(me, 'MANAGE_PLUGINS') || can(me, 'MANAGE_INGESTION');
  return (
    <nav id="main-nav" aria-label="Main" class={props.open ? 'open' : ''}>
      {trains(me) && (
        <ul aria-label="Training">
          <NavLink href="/" path={path} exact>
            Today
          </NavLink>
          <NavLink href="/performance" path={path}>
            Performance
          </NavLink>
          <NavLink href="/activities" path={path}>
            Activities
          </NavLink>
          <NavLink href="/days" path={path}>
            Days
          </NavLink>
          <NavLink href="/insights" path={path}>
            Insights
          </NavLink>
          <NavLink href="/plan" path={path}>
            Plan
          </NavLink>
          <NavLink href="/proposals" path={path}>
            Proposals
          </NavLink>
          <NavLink href="/digest" path={path}>
            Digest
          </NavLink>
          <NavLink href="/log" path={path}>
            Log
          </NavLink>
          <NavLink href="/connections" path={path}>
            Connections
          </NavLink>
          <NavLink href="/coaches" path={path}>
            Coaches
          </NavLink>
        </ul>
      )}
      {can(me, 'COACH_ATHLETES') && (
        <ul aria-label="Coaching">
          <NavLink href="/athletes" path={path}>
            Athletes
          </NavLink>
          {!trains(me) && (
            <NavLink href="/digest" path={path}>
              Digest
            </NavLink>
          )}
        </ul>
      )}
      {admin && (
        <ul aria-label="Administration">
          {can(me, 'READ_AUDIT') && (
            <NavLink href="/admin/audit" path={path}>
              Audit log
            </NavLink>
          )}
          {(can(me, 'MANAGE_USERS') || can(me, 'INVITE_USERS')) && (
            <NavLink href="/admin/users" path={path}>
              Users
            </NavLink>
          )}
          {can(me, 'MANAGE_PLUGINS') && (
            <NavLink href="/admin/plugins" path={path}>
              Plugins
            </NavLink>
          )}
          {can(me, 'MANAGE_INGESTION') && (
            <NavLink href="/admin/ingestion" path={path}>
              Ingestion
            </NavLink>
          )}
        </ul>
      )}
      <ul aria-label="Account" class="account">
        <NavLink href="/profile" path={path}>
          Profile
        </NavLink>
        <NavLink href="/settings" path={path}>
          Settings
        </NavLink>
        <li>
          <button type="button" class="link" onClick={() => void logout()}>
            Log out <span class="who">({me.displayName})</span>
          </button>
        </li>
      </ul>
    </nav>
  );
}

const MyAthletes = graphql(`
  query MyAthletes {
    myAthletes {
      id
      access
      revokedAt
      athlete {
        id
        displayName
        timeZone
      }
    }
  }
`);

/** A coach's view of one athlete: resolves the grant, then shows that athlete's pages. */
function CoachedAthlete(props: { athleteId: string; rest: string }) {
  const grants = useQuery(MyAthletes, {});
  const grant = grants.data?.myAthletes.find((g) => g.athlete.id === props.athleteId && !g.revokedAt);
  const scope = useMemo<Scope | null>(
    () =>
      grant
        ? {
            athleteId: grant.athlete.id,
            name: grant.athlete.displayName,
            canWrite: grant.access === 'READ_WRITE',
            base: `/athletes/${grant.athlete.id}`,
            timeZone: grant.athlete.timeZone,
            self: false,
          }
        : null,
    [grant?.id, grant?.access],
  );
  if (grants.error) return <ErrorNotice error={grants.error} retry={grants.reload} />;
  if (!grants.data) return <Loading what="athlete" />;
  if (!scope) {
    return (
      <Page title="No access">
        <p>This athlete has not granted you access, or the grant was revoked.</p>
        <p>
          <a href="/athletes">Back to your athletes</a>
        </p>
      </Page>
    );
  }
  let content = null;
  for (const [pattern, loader] of athletePages) {
    if (pattern === '/log' && !scope.canWrite) continue;
    const params = match(pattern || '', props.rest);
    if (params) {
      content = <Lazy loader={loader} params={params} />;
      break;
    }
  }
  const tabs: [string, string][] = [
    ['', 'Today'],
    ['/performance', 'Performance'],
    ['/activities', 'Activities'],
    ['/days', 'Days'],
    ['/insights', 'Insights'],
    ['/plan', 'Plan'],
    ['/proposals', 'Proposals'],
    ...(scope.canWrite ? ([['/log', 'Log']] as [string, string][]) : []),
    ['/rules', 'Rules'],
  ];
  return (
    <ScopeContext.Provider value={scope}>
      <div class="athlete-bar">
        <p>
          <a href="/athletes">Athletes</a> › <strong>{scope.name}</strong>{' '}
          <span class={`access ${scope.canWrite ? 'rw' : 'ro'}`}>{scope.canWrite ? 'read-write access' : 'read-only access'}</span>
        </p>
        <nav aria-label={`${scope.name}'s pages`}>
          <ul class="tabs">
            {tabs.map(([suffix, label]) => {
              const href = `${scope.base}${suffix}`;
              const active = suffix === '' ? props.rest === '' : props.rest === suffix || props.rest.startsWith(`${suffix}/`);
              return (
                <li key={suffix}>
                  <a href={href} aria-current={active ? 'page' : undefined}>
                    {label}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
      </div>
      {content ?? <NotFound />}
    </ScopeContext.Provider>
  );
}

function NotFound() {
  return (
    <Page title="Page not found">
      <p>
        There is no page at <code>{location.pathname}</code>. <a href="/">Go to the start page</a>.
      </p>
    </Page>
  );
}
