// The account as every capability sees it, and its login identifiers. Stores read and write it
// (storage/ports.ts re-exports it for them); it belongs to accounts.

export interface UserRecord {
  id: string;
  username: string;
  email: string | null;
  /** True once the user proved control of `email` (a verification or reset token); false again when it changes. */
  emailVerified: boolean;
  passwordHash: string;
  roles: string[];
  isActive: boolean;
  tokenVersion: number;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

export interface LoginIdentifiers {
  username: string;
  email: string | null;
}

/** A user whose username is its own email has one identifier, not two. */
export const distinctIdentifiers = ({ username, email }: LoginIdentifiers): string[] => (email && email !== username ? [username, email] : [username]);
