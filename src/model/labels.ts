/** Longest label shown (SPEC 3.1); longer ones are cut with an ellipsis. */
export const MAX_LABEL = 200;

/**
 * A value from the input as it may be shown in any output (SPEC 3.1): control
 * characters (C0, DEL, C1, line and paragraph separators, bidirectional
 * overrides and isolates) written as `\uXXXX`, so nothing from a file can
 * move a terminal's cursor, recolour it or reorder what it shows; cut to 200
 * characters with `…`.
 *
 * @example safeLabel('Cardio\u001b[31m') // 'Cardio\\u001b[31m'
 */
export function safeLabel(value: string): string {
  const cut = value.length > MAX_LABEL ? `${value.slice(0, MAX_LABEL)}…` : value;
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
