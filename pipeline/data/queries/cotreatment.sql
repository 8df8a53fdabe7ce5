-- Every patient on a drug, with the daily dose of a co-treatment class at index start and at last follow-up.
-- param drug: tofacitinib
-- param drug_class: glucocorticoid
SELECT
  p.doc_id,
  p.patient_id,
  p.sex,
  p.age_at_index_start_years,
  (SELECT MAX(m.daily_dose_mg) FROM medications m
    WHERE m.doc_id = p.doc_id AND m.patient_id = p.patient_id
      AND m.drug_class = :drug_class AND m.phase = 'at_initiation') AS start_daily_mg,
  (SELECT MAX(m.daily_dose_mg) FROM medications m
    WHERE m.doc_id = p.doc_id AND m.patient_id = p.patient_id
      AND m.drug_class = :drug_class AND m.phase = 'last_followup') AS last_followup_daily_mg,
  p.response
FROM patients p
WHERE p.patient_id <> 'cohort'
  AND EXISTS (SELECT 1 FROM medications i
              WHERE i.doc_id = p.doc_id AND i.patient_id = p.patient_id AND i.drug = :drug)
ORDER BY p.doc_id, LENGTH(p.patient_id), p.patient_id
