/**
 * Value vocabularies of SPEC 1.5. Raw values are trimmed and matched
 * case-insensitively (also ignoring dots and `_`/`-`/space differences);
 * a value that matches no synonym is kept verbatim (trimmed); an empty value
 * becomes `unknown`. A config file may add synonyms.
 */

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
};

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
  ) {
    for (const table of [synonyms, extra]) {
      for (const [canonical, words] of Object.entries(table)) {
        this.lookup.set(vocabularyKey(canonical), canonical);
        for (const word of words) this.lookup.set(vocabularyKey(word), canonical);
      }
    }
  }

  normalize(raw: string): Normalized {
    let result = this.cache.get(raw);
    if (result === undefined) {
      const trimmed = raw.trim();
      if (trimmed === '') result = { value: UNKNOWN, matched: true };
      else {
        const canonical = this.lookup.get(vocabularyKey(trimmed));
        result = canonical === undefined ? { value: trimmed, matched: false } : { value: canonical, matched: true };
      }
      this.cache.set(raw, result);
    }
    return result;
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
}

/** The vocabularies of a run, with a config file's extra synonyms. */
export function makeVocabularies(extra: { role?: Synonyms; category?: Synonyms; care_setting?: Synonyms; sender_type?: Synonyms } = {}): Vocabularies {
  return {
    role: new Vocabulary('role', ROLE_SYNONYMS, extra.role),
    category: new Vocabulary('category', CATEGORY_SYNONYMS, extra.category),
    careSetting: new Vocabulary('care_setting', CARE_SETTING_SYNONYMS, extra.care_setting),
    senderType: new Vocabulary('sender_type', SENDER_TYPE_SYNONYMS, extra.sender_type),
  };
}
