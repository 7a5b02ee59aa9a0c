-- insufficient_coverage: patients whose panel genes were not covered well enough for "no variant
-- found" to mean something: per patient, gene and sample, the coding exons whose coverage
-- verdict failed. A failing normal makes the absence of germline variants uninformative, a
-- failing tumour that of somatic variants.
-- param genes: list of gene names (default: every gene of the runs' panels)
SELECT
    centre,
    patient,
    gene,
    role,
    sample,
    count(*) FILTER (WHERE verdict <> 'pass') AS exons_failing,
    count(*) AS exons,
    string_agg(exon, ',' ORDER BY start_pos) FILTER (WHERE verdict <> 'pass') AS failing_exons,
    CASE role
        WHEN 'normal' THEN 'absence of germline variants is not informative'
        ELSE 'absence of somatic variants is not informative'
    END AS meaning,
    run_id
FROM exon_coverage
WHERE len(coalesce(getvariable('genes'), [])) = 0
    OR list_contains(getvariable('genes'), gene)
GROUP BY centre, patient, gene, role, sample, run_id
HAVING count(*) FILTER (WHERE verdict <> 'pass') > 0
ORDER BY centre, patient, gene, role;
