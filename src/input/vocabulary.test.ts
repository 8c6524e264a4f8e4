import { describe, expect, it } from 'vitest';
import { closest } from './mapping.js';
import { makeVocabularies, synonymProblems } from './vocabulary.js';

describe('category vocabulary (SPEC 1.5)', () => {
  const category = makeVocabularies().category;
  const value = (raw: string) => category.normalize(raw).value;

  it('maps the real type names of Epic sites by keyword rules, in the order listed', () => {
    expect(value('Patient Medication Renewal Request')).toBe('prescription'); // renewal, medication
    expect(value('Rx Auth')).toBe('prescription');
    expect(value('Pharmacy Question')).toBe('prescription');
    expect(value('Patient Appointment Schedule Request')).toBe('scheduling');
    expect(value('Cancel Appointment')).toBe('scheduling');
    expect(value('Result Notes')).toBe('test_results');
    expect(value('Lab Results Released')).toBe('test_results');
    expect(value('Referral Status')).toBe('referral');
    expect(value('Post-Visit Follow-Up')).toBe('visit_followup');
    expect(value('Clinical Advice')).toBe('medical_question');
    // The first rule with a word wins: a refill whose result… is a prescription.
    expect(value('Refill after lab result')).toBe('prescription');
    // Words, not substrings: "Rxn" and "prescriptions" are not words of the rules.
    expect(value('Rxn Form')).toBe('Rxn Form');
    expect(value('Letter')).toBe('Letter');
  });

  it('maps automated types to system, including Epic type code 999', () => {
    for (const raw of ['System Message', 'system generated', 'Automated', '999']) expect(value(raw), raw).toBe('system');
  });

  it('lists unmatched values for validate and keeps them verbatim', () => {
    const fresh = makeVocabularies().category;
    fresh.count('Letter', 3);
    fresh.count('Rx Auth', 2);
    expect([...fresh.unmatched]).toEqual([['Letter', 3]]);
  });
});

describe('config synonyms', () => {
  it('refuses a target that is not a known value, with a did-you-mean', () => {
    expect(synonymProblems({ role: { staf: ['Front Desk Clerk'] }, category: { referral: ['Consult'] } }, closest)).toEqual([
      'synonyms.role: "staf" is not a known role (did you mean "staff"?); known: physician, app, resident, rn, lpn, ma, pharmacist, staff',
    ]);
    expect(synonymProblems({ care_setting: { primary_care: ['Family Practice'] } }, closest)).toEqual([]);
  });
});
