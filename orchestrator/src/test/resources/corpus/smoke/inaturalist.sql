-- iNaturalist after the cutover: the site's own statements, run on the source and on the target alike; every line
-- they print must be the same. The keys that inserts return prove that its serial sequences were set at the cutover;
-- uuid_generate_v4 defaults are printed as present.
INSERT INTO observations (observed_on, species_guess, user_id, taxon_id, created_at, updated_at)
VALUES (date '2026-03-01', 'smoke', 1, 112, timestamp '2026-03-01', timestamp '2026-03-01')
RETURNING id, quality_grade, num_identification_agreements;
INSERT INTO identifications (observation_id, taxon_id, user_id, created_at, updated_at)
SELECT max(id), 112, 1, timestamp '2026-03-01', timestamp '2026-03-01' FROM observations RETURNING id, uuid IS NOT NULL;
INSERT INTO comments (user_id, parent_id, parent_type, body) SELECT 1, max(id), 'Observation', 'smoke' FROM observations
RETURNING id, uuid IS NOT NULL;
INSERT INTO users (login, email, created_at, updated_at) VALUES ('smoke', 'smoke@example.com', timestamp '2026-03-01',
                   timestamp '2026-03-01') RETURNING id;
INSERT INTO taxa (name, rank, created_at, updated_at) VALUES ('Smoke', 'species', timestamp '2026-03-01', timestamp '2026-03-01')
RETURNING id, uuid IS NOT NULL;
INSERT INTO projects (user_id, title, created_at, updated_at) VALUES (1, 'Smoke', timestamp '2026-03-01', timestamp '2026-03-01')
RETURNING id;
INSERT INTO places (name, latitude, longitude, created_at, updated_at) VALUES ('Smoke', 1, 2, timestamp '2026-03-01', timestamp '2026-03-01')
RETURNING id;
-- the position of every sequence used so far, and how many are unused
SELECT string_agg(sequencename || '=' || last_value, ' ' ORDER BY sequencename) FILTER (WHERE last_value IS NOT NULL),
       count(*) FILTER (WHERE last_value IS NULL) AS unused
  FROM pg_sequences WHERE schemaname = 'public';
-- its aggregate and functions, and what its pages read
SELECT median(num_identification_agreements), median(latitude) FROM observations WHERE quality_grade = 'research';
SELECT crc32('godwit'), crc32('Limosa lapponica');
SELECT t.name, count(o.*), round(avg(o.latitude), 6) FROM taxa t JOIN observations o ON o.taxon_id = t.id
 WHERE t.id BETWEEN 112 AND 120 GROUP BY t.id, t.name ORDER BY t.id;
SELECT quality_grade, count(*) FROM observations GROUP BY 1 ORDER BY 1;
SELECT u.login, u.observations_count FROM users u ORDER BY u.observations_count DESC, u.id LIMIT 5;
SELECT p.title, count(po.*) FROM projects p LEFT JOIN project_observations po ON po.project_id = p.id
 GROUP BY p.id, p.title ORDER BY count(po.*) DESC, p.id LIMIT 5;
