// The public view of an account, as the native API returns it. Profiles map from this shape.
import type { UserRecord } from "./user-record";

export interface PublicUser {
  id: string;
  username: string;
  email: string | null;
  email_verified: boolean;
  roles: string[];
  created_at: string;
}

export function publicUser(user: UserRecord): PublicUser {
  return { id: user.id, username: user.username, email: user.email, email_verified: user.emailVerified, roles: user.roles, created_at: user.createdAt };
}
