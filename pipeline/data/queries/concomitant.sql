-- Every drug a patient took at index start and at last follow-up, with its daily dose and the words it came from.
-- param doc_id: %
SELECT
  m.doc_id,
  m.patient_id,
  m.phase,
  m.drug,
  m.drug_class,
  m.amount,
  m.unit,
  m.frequency,
  m.daily_dose_mg,
  m.evidence_start,
  m.dose_evidence_text
FROM medications m
WHERE m.phase IN ('at_initiation', 'last_followup')
  AND m.patient_id <> 'cohort'
  AND m.doc_id LIKE :doc_id
ORDER BY m.doc_id, LENGTH(m.patient_id), m.patient_id, m.phase, m.evidence_start
