/**
 * SQL Server names time zones the Windows way (`Eastern Standard Time`),
 * not by IANA name (SPEC 7). The mapping is CLDR's `windowsZones` table as
 * the windows-iana package ships it, not a hand-made list.
 */
import { createRequire } from 'node:module';
import { UsageError } from '../errors.js';

const require = createRequire(import.meta.url);

/**
 * The Windows zone of an IANA zone (first of CLDR's matches).
 *
 * @example windowsZoneOf('America/New_York') // 'Eastern Standard Time'
 */
export function windowsZoneOf(iana: string): string {
  const { findWindows } = require('windows-iana') as { findWindows: (zone: string) => string[] };
  const found = findWindows(iana);
  if (found.length === 0) throw new UsageError(`--dialect tsql: the time zone ${iana} has no Windows name in CLDR's table, so SQL Server cannot convert it`);
  return found[0]!;
}
