/**
 * Value vocabularies of SPEC 1.5. Raw values are trimmed and matched
 * case-insensitively (also ignoring dots and `_`/`-`/space differences);
 * a value that matches no synonym is kept verbatim (trimmed); an empty value
 * becomes `unknown`. A config file may add synonyms.
 */

import { safeLabel } from '../model/labels.js';

export const UNKNOWN = 'unknown';

export type Synonyms = Record<string, readonly string[]>;

export const ROLE_SYNONYMS: Synonyms = {
  physician: ['physician', 'md', 'do', 'doctor', 'attending', 'attending physician', 'physician md', 'physician do'],
  app: [
    'app',
    'advanced practice provider',
    'advanced practice practitioner',
    'nurse practitioner',
    'physician assistant',
    'physician associate',
    'np',
    'pa',
    'pa c',
    'aprn',
    'cnp',
    'fnp',
  ],
  resident: ['resident', 'fellow', 'intern', 'resident physician', 'house staff'],
  rn: ['rn', 'registered nurse', 'nurse', 'triage nurse', 'nurse rn'],
  lpn: ['lpn', 'licensed practical nurse', 'lvn', 'licensed vocational nurse'],
  ma: ['ma', 'medical assistant', 'cma', 'certified medical assistant'],
  pharmacist: ['pharmacist', 'pharmd', 'rph', 'clinical pharmacist'],
  staff: ['staff', 'front desk', 'administrative', 'admin', 'administrative staff', 'scheduler', 'receptionist', 'clerk', 'office staff'],
};

export const CATEGORY_SYNONYMS: Synonyms = {
  prescription: [
    'prescription',
    'refill',
    'refill request',
    'renewal',
    'rx',
    'rx request',
    'medication',
    'medication renewal request',
    'medication refill',
    'prescription question',
    'prescription request',
  ],
  medical_question: [
    'medical question',
    'non urgent medical question',
    'nonurgent medical question',
    'patient medical advice request',
    'medical advice request',
    'medical advice',
  ],
  scheduling: ['scheduling', 'appointment request', 'appointment scheduling', 'appointment', 'schedule'],
  test_results: ['test results', 'test result', 'test results question', 'test result question', 'lab results', 'results'],
  referral: ['referral', 'referral request'],
  visit_followup: ['visit followup', 'visit follow up', 'visit follow up question', 'follow up', 'followup'],
  // Automated messages (SPEC 1.3): counted in validate, excluded from every metric. 999 is Epic's type code.
  system: ['system', 'system message', 'system generated', 'automated', 'automated message', '999'],
};

/**
 * Keyword rules for category values that match no synonym (SPEC 1.5), in
 * order: the first rule with a word in the value wins. Words are matched on
 * the comparison key (lower case, `-`/`_`/`/` as spaces), so "Follow-Up" is
 * "follow up".
 */
export const CATEGORY_KEYWORDS: readonly (readonly [string, readonly string[]])[] = [
  ['prescription', ['refill', 'renewal', 'rx', 'medication', 'prescription', 'pharmacy']],
  ['test_results', ['result', 'results']],
  ['referral', ['referral']],
  ['scheduling', ['appointment', 'schedule', 'scheduling', 'cancel']],
  ['visit_followup', ['follow up', 'followup']],
  ['medical_question', ['advice', 'medical question']],
];

export const CARE_SETTING_SYNONYMS: Synonyms = {
  primary_care: ['primary care', 'primary', 'pcp', 'primarycare'],
  specialty: ['specialty', 'speciality', 'specialist', 'specialty care'],
};

export const SENDER_TYPE_SYNONYMS: Synonyms = {
  patient: ['patient', 'pt', 'proxy', 'caregiver', 'guardian', 'patient proxy', 'from patient'],
  clinician: ['clinician', 'provider', 'staff', 'user', 'to patient'],
  system: ['system', 'automated', 'auto', 'bot'],
};

/** The comparison key of a raw value. */
export function vocabularyKey(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/\./g, '')
    .replace(/[\s_\-/]+/g, ' ')
    .trim();
}

export interface Normalized {
  value: string;
  /** True when the raw value matched a canonical name or synonym (or was empty). */
  matched: boolean;
}

/** Maps raw values to canonical ones, remembering what it has seen. */
export class Vocabulary {
  private readonly lookup = new Map<string, string>();
  private readonly cache = new Map<string, Normalized>();
  /** Raw (trimmed) values that matched nothing, with how often they were seen. */
  readonly unmatched = new Map<string, number>();

  constructor(
    readonly name: string,
    synonyms: Synonyms,
    extra: Synonyms = {},
    /** Keyword rules for values that match no synonym, in order. */
    readonly keywords: readonly (readonly [string, readonly string[]])[] = [],
  ) {
    for (const table of [synonyms, extra]) {
      for (const [canonical, words] of Object.entries(table)) {
        this.lookup.set(vocabularyKey(canonical), canonical);
        for (const word of words) this.lookup.set(vocabularyKey(word), canonical);
      }
    }
  }

  /** Every synonym's comparison key and its canonical value (a config file's included): what the SQL generator maps. */
  get synonymKeys(): ReadonlyMap<string, string> {
    return this.lookup;
  }

  normalize(raw: string): Normalized {
    let result = this.cache.get(raw);
    if (result === undefined) {
      const trimmed = raw.trim();
      if (trimmed === '') result = { value: UNKNOWN, matched: true };
      else {
        const key = vocabularyKey(trimmed);
        const canonical = this.lookup.get(key) ?? this.byKeyword(key);
        result = canonical === undefined ? { value: safeLabel(trimmed), matched: false } : { value: canonical, matched: true };
      }
      this.cache.set(raw, result);
    }
    return result;
  }

  /** The first keyword rule with a word in `key`. */
  private byKeyword(key: string): string | undefined {
    if (this.keywords.length === 0) return undefined;
    const padded = ` ${key} `;
    for (const [canonical, words] of this.keywords) {
      if (words.some((w) => padded.includes(` ${w} `))) return canonical;
    }
    return undefined;
  }

  /** Records that `rows` rows held this raw value (listed when it matched nothing). */
  count(raw: string, rows: number): void {
    const result = this.normalize(raw);
    if (!result.matched) this.unmatched.set(result.value, (this.unmatched.get(result.value) ?? 0) + rows);
  }
}

export interface Vocabularies {
  role: Vocabulary;
  category: Vocabulary;
  careSetting: Vocabulary;
  senderType: Vocabulary;
  /** The extra synonyms they were made with (a worker thread makes the same vocabularies from them). */
  extra: ExtraSynonyms;
}

export type ExtraSynonyms = { role?: Synonyms; category?: Synonyms; care_setting?: Synonyms; sender_type?: Synonyms };

/** The vocabularies of a run, with a config file's extra synonyms. */
export function makeVocabularies(extra: ExtraSynonyms = {}): Vocabularies {
  return {
    extra,
    role: new Vocabulary('role', ROLE_SYNONYMS, extra.role),
    category: new Vocabulary('category', CATEGORY_SYNONYMS, extra.category, CATEGORY_KEYWORDS),
    careSetting: new Vocabulary('care_setting', CARE_SETTING_SYNONYMS, extra.care_setting),
    senderType: new Vocabulary('sender_type', SENDER_TYPE_SYNONYMS, extra.sender_type),
  };
}

const TABLES: Record<string, Synonyms> = {
  role: ROLE_SYNONYMS,
  category: CATEGORY_SYNONYMS,
  care_setting: CARE_SETTING_SYNONYMS,
  sender_type: SENDER_TYPE_SYNONYMS,
};

/**
 * The problems of a config file's synonyms: each must map to a known value
 * (`"staf"` is a typo of `staff`, not a new role), as `synonyms.role: …` texts.
 */
export function synonymProblems(extra: Record<string, Synonyms | undefined>, closest: (word: string, candidates: readonly string[]) => string | undefined): string[] {
  const problems: string[] = [];
  for (const [table, entries] of Object.entries(extra)) {
    const known = Object.keys(TABLES[table] ?? {});
    for (const target of Object.keys(entries ?? {})) {
      if (known.includes(target)) continue;
      const close = closest(target.toLowerCase(), known);
      problems.push(`synonyms.${table}: "${target.slice(0, 40)}" is not a known ${table.replace('_', ' ')}${close ? ` (did you mean "${close}"?)` : ''}; known: ${known.join(', ')}`);
    }
  }
  return problems;
}
