/** The shapes `generate --shape` writes (made in shapes.ts, loaded only when one is asked for). */
export const SHAPES = ['canonical', 'tsv', 'semicolon', 'windows-1252', 'utf-16', 'xlsx', 'epic-ehi', 'per-recipient'] as const;
export type Shape = (typeof SHAPES)[number];

export const SHAPE_HELP: Record<Shape, string> = {
  canonical: 'CSV, UTF-8, the canonical columns (the default)',
  tsv: 'tab-separated, no quoting, literal " in free text',
  semicolon: '; as delimiter (Excel in many European locales)',
  'windows-1252': 'CSV in Windows-1252 with CRLF (Excel on Windows)',
  'utf-16': 'UTF-16LE with a byte-order mark, tab-separated (Excel "Unicode text")',
  xlsx: 'an Excel workbook, sent_at as date cells',
  'epic-ehi': 'Epic MYC_MESG as an EHI export: TSV, _NAME columns, PARENT_MESSAGE_ID threads, US times, ORIGINAL_TO routing, a generic portal sender (MYCHARTG) for automated messages; read with --preset epic-clarity --roster --system-senders MYCHARTG',
  'per-recipient': 'CSV with one row per recipient: messages to a clinician repeated for the department pool',
};

