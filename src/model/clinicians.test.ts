import { describe, expect, it } from 'vitest';
import { tempDir, write } from '../../test/support/fixtures.js';
import { loadMessages } from '../input/load.js';
import { getPreset, type Field } from '../input/mapping.js';
import { inputSources } from '../input/source.js';
import { makeVocabularies } from '../input/vocabulary.js';
import { resolveClinicians } from './clinicians.js';
import { Zone } from './zone.js';

async function clinicians(csv: string) {
  const file = write(tempDir(), 'messages.csv', csv);
  const options = { sources: inputSources([file]), preset: getPreset('canonical'), map: new Map<Field, string>(), zone: new Zone('UTC'), vocabularies: makeVocabularies() };
  const { store } = await loadMessages(options);
  const found = resolveClinicians(store);
  const user = store.users.indexOf('C1');
  return { role: found.role[user], department: found.department[user], careSetting: found.careSetting[user] };
}

const HEADER = 'message_id,thread_id,sent_at,sender_type,sender_id,sender_role,patient_id,recipient_id,category,department,care_setting\n';

describe('resolveClinicians: attributes from the first message that has them', () => {
  it('takes the earliest message, whatever the row order, and each attribute from the first message that has it', async () => {
    // C1 writes as RN at 09:00 and as MD at 08:00: the 08:00 message comes first. Its department is blank, so the department is the 09:00 one's.
    const csv = HEADER + 'M1,T1,2024-03-04 09:00:00,clinician,C1,RN,P1,,general,Cardiology,primary_care\n' + 'M2,T1,2024-03-04 08:00:00,clinician,C1,MD,P1,,general,,specialty\n';
    expect(await clinicians(csv)).toEqual({ role: 'physician', department: 'Cardiology', careSetting: 'specialty' });
  });

  it('breaks a tie in send time by message id, in code-unit order (M10 before M9)', async () => {
    const csv = HEADER + 'M9,T1,2024-03-04 08:00:00,clinician,C1,RN,P1,,general,Oncology,primary_care\n' + 'M10,T2,2024-03-04 08:00:00,clinician,C1,MD,P2,,general,Cardiology,specialty\n';
    expect(await clinicians(csv)).toEqual({ role: 'physician', department: 'Cardiology', careSetting: 'specialty' });
    // The same rows the other way round: the same answer.
    const swapped = HEADER + 'M10,T2,2024-03-04 08:00:00,clinician,C1,MD,P2,,general,Cardiology,specialty\n' + 'M9,T1,2024-03-04 08:00:00,clinician,C1,RN,P1,,general,Oncology,primary_care\n';
    expect(await clinicians(swapped)).toEqual({ role: 'physician', department: 'Cardiology', careSetting: 'specialty' });
  });
});
