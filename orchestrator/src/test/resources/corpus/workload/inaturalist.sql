-- iNaturalist while changes stream: observations uploaded, identified and commented, counters kept by the
-- application, an observation deleted with its identifications and comments (the application deletes them; the schema
-- has almost no FKs), a taxon renamed. Keys come from 157 serial sequences; uuids from uuid_generate_v4 defaults.

DO $$
DECLARE o int;
BEGIN
  FOR n IN 1..30 LOOP
    INSERT INTO observations (observed_on, description, latitude, longitude, species_guess, user_id, taxon_id,
                              created_at, updated_at, iconic_taxon_id, time_observed_at, time_zone, quality_grade,
                              license, uuid, place_guess)
    VALUES (date '2026-01-25', 'godwit at the estuary, ' || n, -27.1234567891 + n / 1000.0, 153.1234567891, 'Limosa',
            1 + n % 2000, 112 + n, timestamp '2026-01-25 06:00' + n * interval '1 minute', timestamp '2026-01-25 06:00',
            2 + n % 10, timestamp '2026-01-25 05:30', 'Brisbane', 'needs_id', 'CC-BY', md5('godwit obs ' || n)::uuid::text,
            'Place 7')
    RETURNING id INTO o;
    INSERT INTO identifications (observation_id, taxon_id, user_id, body, created_at, updated_at, current, category)
    VALUES (o, 112 + n, 1 + n % 2000, NULL, timestamp '2026-01-25 06:00', timestamp '2026-01-25 06:00', true, 'leading'),
           (o, 112 + n, 2 + n % 1999, 'agreed', timestamp '2026-01-25 07:00', timestamp '2026-01-25 07:00', true, 'supporting');
    UPDATE observations SET num_identification_agreements = 1, quality_grade = 'research' WHERE id = o;
    UPDATE users SET observations_count = observations_count + 1 WHERE id = 1 + n % 2000;
    COMMIT;
  END LOOP;
END $$;
INSERT INTO comments (user_id, parent_id, parent_type, body, created_at, updated_at)
SELECT 5, id, 'Observation', 'Lovely bar-tailed godwit!', timestamp '2026-01-25 08:00', timestamp '2026-01-25 08:00'
  FROM observations WHERE species_guess = 'Limosa';
UPDATE observations SET comments_count = comments_count + 1 WHERE species_guess = 'Limosa';
INSERT INTO project_observations (project_id, observation_id, created_at, updated_at, user_id)
SELECT 3, id, timestamp '2026-01-25 09:00', timestamp '2026-01-25 09:00', 5 FROM observations WHERE species_guess = 'Limosa';
-- an observation withdrawn by its author, with what hangs off it
DELETE FROM identifications WHERE observation_id = (SELECT max(id) FROM observations);
DELETE FROM comments WHERE parent_type = 'Observation' AND parent_id = (SELECT max(id) FROM observations);
DELETE FROM project_observations WHERE observation_id = (SELECT max(id) FROM observations);
DELETE FROM observations WHERE id = (SELECT max(id) FROM observations);
UPDATE taxa SET name = 'Limosa lapponica', wikipedia_summary = 'Bar-tailed godwit', updated_at = timestamp '2026-01-25 10:00'
 WHERE id = 113;
