/** The tool's version, printed by --version and on every HTML report. */
export const VERSION = '0.1.0';
