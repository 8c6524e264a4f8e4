import { createHmac } from 'node:crypto';

/**
 * A keyed pseudonym for a clinician id (SPEC 4): HMAC-SHA-256 with the
 * user's key, 12 hex digits. The same id and key always give the same
 * pseudonym; another key gives an unrelated one.
 *
 * @example pseudonym('C0042', 'secret') // 'c-' followed by 12 hex digits
 */
export function pseudonym(id: string, key: string): string {
  return `c-${createHmac('sha256', key).update(id).digest('hex').slice(0, 12)}`;
}
