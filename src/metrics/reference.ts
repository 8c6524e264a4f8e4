/**
 * Huang et al., JMIR 2022 (doi 10.2196/17273): another health system's
 * figures, shown beside ours on the HTML page (SPEC 3.3), never as a target.
 */
export const REFERENCE = { within24h: 72.2, within72h: 90.6, le4Rounds: 95.1, physicianEvening: 7.0, citation: 'Huang M, et al. JMIR 2022 (doi 10.2196/17273), Mayo Clinic, 5 million messages' };
