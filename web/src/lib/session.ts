import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { graphql } from '../gql';
import type { MeQuery as MeAnswer } from '../gql/graphql';

export const MeQuery = graphql(`
  query Me {
    me {
      id
      email
      displayName
      role
      permissions
      timeZone
      units
    }
    impersonation {
      by {
        displayName
        email
      }
      reason
      until
    }
  }
`);

export type Me = MeAnswer['me'] & { impersonation?: MeAnswer['impersonation'] };

export interface Session {
  me: Me;
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a logged-in page');
  return session;
}

export function useMe(): Me {
  return useSession().me;
}

/** Whose data an athlete page shows, and whether the viewer may change it. */
export interface Scope {
  /** null: the viewer's own. */
  athleteId: string | null;
  name: string;
  canWrite: boolean;
  /** Path prefix of this athlete's pages: '' for one's own, `/athletes/<id>` for a coach. */
  base: string;
  timeZone: string;
  self: boolean;
}

export const ScopeContext = createContext<Scope | null>(null);

export function useScope(): Scope {
  const scope = useContext(ScopeContext);
  if (!scope) throw new Error('useScope outside an athlete page');
  return scope;
}

/** Variables naming the athlete for queries that default to the viewer. */
export function athleteVar(scope: Scope): { athleteId: string | null } {
  return { athleteId: scope.athleteId };
}

export function trains(me: Me): boolean {
  return me.role === 'ATHLETE' || me.role === 'COACH';
}

export function can(me: Me, permission: Me['permissions'][number]): boolean {
  return me.permissions.includes(permission);
}

/** Set by the app: reloads the viewer after logging in or signing up. */
export const sessionEvents = { refresh: async (): Promise<void> => undefined };
