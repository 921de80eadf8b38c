-- PostgREST's fixtures after the cutover: statements its API makes, run on the source and on the target alike; every
-- line they print must be the same. Keys returned by inserts through identity (ALWAYS, BY DEFAULT) and serial columns,
-- and the function that alone uses a standalone sequence, prove that every sequence was set at the cutover.
-- PostgREST runs every request with the exposed schema first on the search path
SET search_path = test, public;
INSERT INTO test.places (name) VALUES ('Smoke Island') RETURNING id;
INSERT INTO test.visits (place_id, visit_type) SELECT max(id), 'work' FROM test.places RETURNING id, place_id;
INSERT INTO test.channels (slug) VALUES ('smoke') RETURNING id, data;
INSERT INTO test.surr_gen_default_upsert (name) VALUES ('smoke') RETURNING id;
INSERT INTO test."Surr_Gen_Default_Upsert" (name) VALUES ('smoke') RETURNING id;
INSERT INTO private.labels DEFAULT VALUES RETURNING id, name;
INSERT INTO private.screens DEFAULT VALUES RETURNING id, name;
INSERT INTO test.auto_incrementing_pk (non_nullable_string) VALUES ('smoke') RETURNING id, inserted_at IS NOT NULL;
SELECT test.callcounter();
-- a generated column, a BEFORE trigger, an INSTEAD OF trigger, a DO INSTEAD rule, a constraint trigger
INSERT INTO test.foo (a) VALUES ('proton'), ('smoke') RETURNING a, b;
INSERT INTO private.articles (id, body) VALUES (9002, 'smoke') RETURNING id, owner;
INSERT INTO test.stuff (id, name) VALUES (78, 'smoke through the view');
SELECT * FROM private.stuff ORDER BY id;
INSERT INTO test.test_null_pk_competitors_sponsors (id, sponsor_id) VALUES (4343, NULL) RETURNING *;
DO $$ BEGIN
  INSERT INTO postgrest.auth (id, rolname, pass) VALUES ('nobody@example.com', 'no_such_role', repeat('x', 60));
  RAISE NOTICE 'accepted an unknown role';
EXCEPTION WHEN foreign_key_violation THEN RAISE NOTICE 'refused: %', SQLERRM;
END $$;
-- deletes that cascade, and what they left
DELETE FROM test.end_2 WHERE id = 901;
SELECT count(*) FROM private.junction;
DELETE FROM test.files WHERE filename = 'autoexec.bat';
SELECT * FROM test.touched_files ORDER BY 1, 2, 3, 4;
-- partitioned tables: what each partition holds
SELECT tableoid::regclass, name, year, car_brand_name FROM test.car_models ORDER BY 1, 2, 3;
SELECT tableoid::regclass, * FROM test.car_model_sales ORDER BY 1, 2, 3, 4, 5;
SELECT tableoid::regclass, * FROM test.car_models_car_dealers ORDER BY 1, 2, 3, 4, 5;
-- views, materialized views, functions, aggregates, a procedure
REFRESH MATERIALIZED VIEW test.materialized_projects;
SELECT * FROM test.materialized_projects ORDER BY id;
SELECT matviewname, ispopulated FROM pg_matviews WHERE schemaname = 'test' ORDER BY 1;
SELECT * FROM test.labels ORDER BY id;
SELECT * FROM test.label_screen ORDER BY 1, 2;
SELECT * FROM test.get_tsearch_to_tsvector() ORDER BY 1 NULLS FIRST, 2::text NULLS FIRST LIMIT 3;
SELECT test.some_agg(n ORDER BY val) FROM test.some_numbers n;
SELECT v2.get_special_text();
CALL test.unsupported_proc();
SELECT count(*) FROM test.projects_view_with_all_triggers_with_pk;
SELECT id, name, client_id FROM test.projects ORDER BY id;
SELECT id, name FROM test.artists ORDER BY id;
SELECT count(*), count(DISTINCT artist_id) FROM test.albums;
SELECT * FROM "تست"."موارد" ORDER BY 1;
