-- An accepted submission that covers a unit and period a later accepted file of this group
-- (data frame `report_rows`) also covers becomes superseded by the latest of them. Its values
-- stay in reported_values: cell by cell, they still count where the later files are silent.
UPDATE submissions SET status = 'superseded', superseded_by = x.later
FROM (
    SELECT earlier.submission_id AS earlier_id, max(later.submission_id) AS later
    FROM unit_reports earlier
    JOIN report_rows later
      ON later.unit_key = earlier.unit_key AND later.period = earlier.period
     AND later.submission_id > earlier.submission_id
    GROUP BY earlier.submission_id
) x
WHERE submissions.submission_id = x.earlier_id AND submissions.status = 'accepted'
