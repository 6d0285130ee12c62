// Access tokens are opaque session IDs: `<15-char org ID>!<secret>` (§1.3). A session ends after
// an inactivity timeout that each API call resets (§3), or when revoked or expired by a test.
import { randomBytes } from 'node:crypto';
import type { LoginFlow } from './options.js';

export interface Session {
  accessToken: string;
  username: string;
  userId18: string;
  clientId: string;
  flow: LoginFlow;
  scope: string;
  issuedAt: number;
  lastActivityAt: number;
}

export type SessionOwner = Pick<Session, 'username' | 'userId18' | 'clientId' | 'flow'>;

export class SessionStore {
  readonly #sessions = new Map<string, Session>();

  constructor(
    private readonly orgId: string,
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {}

  /**
   * A new session, or with `reuse` the owner's still-active one (a login counts as activity then).
   * Whether Salesforce reuses sessions is [UNCONFIRMED] (§3), hence the switch.
   */
  issue(owner: SessionOwner, reuse: boolean): Session {
    const now = this.now();
    if (reuse) {
      for (const session of this.#sessions.values()) {
        if (sameOwner(session, owner) && this.#isLive(session, now)) {
          session.lastActivityAt = now;
          return session;
        }
      }
    }
    const session: Session = {
      ...owner,
      accessToken: `${this.orgId}!${randomBytes(48).toString('base64url')}`,
      scope: 'api',
      issuedAt: now,
      lastActivityAt: now,
    };
    this.#sessions.set(session.accessToken, session);
    return session;
  }

  /** The live session for an API call, with its inactivity timer reset; undefined if invalid. */
  touch(accessToken: string): Session | undefined {
    const session = this.peek(accessToken);
    if (session) session.lastActivityAt = this.now();
    return session;
  }

  /** The live session without counting as activity (introspection, test assertions). */
  peek(accessToken: string): Session | undefined {
    const session = this.#sessions.get(accessToken);
    if (!session) return undefined;
    if (this.#isLive(session, this.now())) return session;
    this.#sessions.delete(accessToken);
    return undefined;
  }

  /** When the session times out if it stays idle, in ms since the epoch. */
  expiresAt(session: Session): number {
    return session.lastActivityAt + this.timeoutMs;
  }

  expire(accessToken: string): boolean {
    return this.#sessions.delete(accessToken);
  }

  expireAll(): void {
    this.#sessions.clear();
  }

  get activeCount(): number {
    const now = this.now();
    return [...this.#sessions.values()].filter((session) => this.#isLive(session, now)).length;
  }

  #isLive(session: Session, now: number): boolean {
    return now < this.expiresAt(session);
  }
}

function sameOwner(session: Session, owner: SessionOwner): boolean {
  return (
    session.username === owner.username && session.clientId === owner.clientId && session.flow === owner.flow
  );
}
