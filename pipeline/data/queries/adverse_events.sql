-- Adverse events stated for the study's patients (negated ones excluded), with their drug context.
SELECT
  e.doc_id,
  e.patient_id,
  e.name AS adverse_event,
  e.timepoint_months,
  e.timepoint_date,
  e.evidence_text
FROM events e
WHERE e.kind = 'adverse_event' AND e.negated = FALSE
ORDER BY e.doc_id, LENGTH(e.patient_id), e.patient_id, e.evidence_start
