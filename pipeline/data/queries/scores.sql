-- Disease-activity scores per patient over time (months from index start, or date).
-- param instrument: %
SELECT
  s.doc_id,
  s.patient_id,
  s.name AS instrument,
  s.value,
  s.statistic,
  s.timepoint_months,
  s.timepoint_date,
  s.timepoint_event,
  s.evidence_text
FROM measurements s
WHERE s.kind = 'score' AND s.name LIKE :instrument
ORDER BY s.doc_id, LENGTH(s.patient_id), s.patient_id, s.evidence_start
