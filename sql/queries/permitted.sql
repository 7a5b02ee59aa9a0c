-- permitted: which samples may be used for a stated purpose, by their GA4GH DUO consent, with
-- the matching rules of the Data Use Oversight System (DUOS) for the permissions and modifiers
-- concord supports (docs/pooled-database.md, "Data use matching"). verdict: 'permitted',
-- 'not permitted' (reasons say which term forbids it) or 'needs review' (a term only a person
-- can decide); conditions: the duties the user accepts (IRB, PUB, COL, RTN, MOR, TS).
-- param aim: general (any research), health (health/medical/biomedical), disease (on the
--            disease param), ancestry (population origins or ancestry); default health
-- param disease: the purpose's disease, a MONDO term (with aim disease)
-- param commercial: true for a commercial purpose or a for-profit user (default false)
-- param methods: true for methods development (software, algorithms) (default false)
-- param clinical_care: true for use in clinical care, e.g. a tumour board (default false)
-- param genetic: false for a study of phenotype data only (default true)
WITH RECURSIVE
purpose AS (
    SELECT
        coalesce(CAST(getvariable('aim') AS VARCHAR), 'health') AS aim,
        CAST(getvariable('disease') AS VARCHAR) AS purpose_disease,
        coalesce(CAST(getvariable('commercial') AS BOOLEAN), false) AS commercial,
        coalesce(CAST(getvariable('methods') AS BOOLEAN), false) AS methods,
        coalesce(CAST(getvariable('clinical_care') AS BOOLEAN), false) AS clinical_care,
        coalesce(CAST(getvariable('genetic') AS BOOLEAN), true) AS genetic
),
checked_purpose AS (
    SELECT
        *,
        CASE
            WHEN aim NOT IN ('general', 'health', 'disease', 'ancestry')
                THEN error('aim must be general, health, disease or ancestry, not ' || aim)
            WHEN aim = 'disease' AND purpose_disease IS NULL
                THEN error('aim disease needs the disease param (a MONDO term)')
            ELSE true
        END AS ok
    FROM purpose
),
-- the purpose's disease and every ancestor of it: a DS consent on any of these matches
lineage(term) AS (
    SELECT purpose_disease FROM purpose WHERE purpose_disease IS NOT NULL
    UNION
    SELECT d.parent FROM disease_terms AS d JOIN lineage AS l ON d.term = l.term
    WHERE d.parent IS NOT NULL
),
judged AS (
    SELECT
        s.*,
        p.*,
        coalesce(s.disease IN (SELECT term FROM lineage), false) AS disease_match
    FROM samples AS s, checked_purpose AS p
    WHERE p.ok
),
reasons AS (
    SELECT
        centre, patient, sample, role, assay, permission, disease AS consent_disease,
        modifiers, consent_version,
        list_filter([
            CASE WHEN permission = 'HMB' AND aim = 'general'
                THEN 'HMB: health/medical/biomedical research only' END,
            CASE WHEN permission = 'HMB' AND aim = 'ancestry'
                THEN 'HMB: not population origins or ancestry research' END,
            CASE WHEN permission = 'DS' AND aim <> 'disease'
                THEN 'DS: research on ' || disease || ' only' END,
            CASE WHEN permission = 'DS' AND aim = 'disease' AND NOT disease_match
                THEN 'DS: ' || purpose_disease || ' is not ' || disease
                    || ' or a kind of it' END,
            CASE WHEN permission = 'POA' AND aim <> 'ancestry'
                THEN 'POA: population origins or ancestry research only' END,
            CASE WHEN commercial AND list_contains(modifiers, 'NCU')
                THEN 'NCU: non-commercial use only' END,
            CASE WHEN commercial AND list_contains(modifiers, 'NPU')
                THEN 'NPU: not-for-profit organisations only' END,
            CASE WHEN commercial AND list_contains(modifiers, 'NPUNCU')
                THEN 'NPUNCU: not-for-profit, non-commercial use only' END,
            CASE WHEN aim = 'ancestry' AND list_contains(modifiers, 'NPOA')
                THEN 'NPOA: population origins or ancestry research prohibited' END,
            CASE WHEN methods AND list_contains(modifiers, 'NMDS')
                AND NOT (permission IN ('GRU', 'NRES') OR (permission = 'DS' AND disease_match))
                THEN 'NMDS: methods development only within the consented disease' END,
            CASE WHEN NOT genetic AND list_contains(modifiers, 'GSO')
                THEN 'GSO: genetic studies only' END,
            CASE WHEN clinical_care AND permission <> 'NRES' AND NOT list_contains(modifiers, 'CC')
                THEN 'no clinical care use (CC) consented' END
        ], x -> x IS NOT NULL) AS denials,
        list_transform(
            list_filter(modifiers, m -> m IN ('RS', 'US', 'PS', 'IS', 'GS')),
            m -> m || ': restricted to a ' || CASE m
                WHEN 'RS' THEN 'type of research'
                WHEN 'US' THEN 'user'
                WHEN 'PS' THEN 'project'
                WHEN 'IS' THEN 'institution'
                ELSE 'geographic region' END || ' the consent names'
        ) AS reviews,
        list_filter(modifiers, m -> m IN ('IRB', 'PUB', 'COL', 'RTN', 'MOR', 'TS')) AS conditions
    FROM judged
)
SELECT
    centre,
    patient,
    sample,
    role,
    assay,
    permission,
    consent_disease,
    array_to_string(modifiers, ',') AS modifiers,
    consent_version,
    CASE
        WHEN len(denials) > 0 THEN 'not permitted'
        WHEN len(reviews) > 0 THEN 'needs review'
        ELSE 'permitted'
    END AS verdict,
    array_to_string(denials || reviews, '; ') AS reasons,
    array_to_string(conditions, ',') AS conditions
FROM reasons
ORDER BY centre, patient, sample;
