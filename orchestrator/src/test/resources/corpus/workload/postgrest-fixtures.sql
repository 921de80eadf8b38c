-- PostgREST's test fixtures while changes stream: the writes its API makes (PostgREST turns HTTP requests into these
-- statements). Keys changed under ON UPDATE CASCADE where the cascaded column is in the child's key, deletes that
-- cascade, rows moved between partitions, inserts through identity (ALWAYS and BY DEFAULT) and serial columns, a
-- STORED generated column, BEFORE triggers, a constraint trigger, INSTEAD OF triggers and a DO INSTEAD rule on views,
-- and a sequence that only a function uses. The target must receive each change exactly once.

-- ON UPDATE CASCADE into the child's key: a file renamed and a task moved to another user (both in touched_files' key)
UPDATE test.files SET filename = 'COMMAND.COM' WHERE project_id = 1 AND filename = 'command.com';
UPDATE test.users_tasks SET user_id = 2 WHERE user_id = 1 AND task_id = 1;
UPDATE test.artists SET id = id + 100 WHERE id = 1;
-- ON DELETE CASCADE: a label and an end of a junction removed with their links
INSERT INTO private.labels (name) SELECT 'label ' || g FROM generate_series(1, 3) g;
INSERT INTO private.screens DEFAULT VALUES;
INSERT INTO private.screens (name) VALUES ('second screen');
INSERT INTO private.label_screen SELECT l.id, s.id FROM private.labels l, private.screens s
 WHERE l.name LIKE 'label %' AND s.name IN ('new screen', 'second screen');
UPDATE private.labels SET id = id + 500 WHERE name = 'label 2';
DELETE FROM private.labels WHERE name = 'label 3';
INSERT INTO test.end_1 VALUES (901, 'one'), (902, 'two');
INSERT INTO test.end_2 VALUES (901, 'uno');
INSERT INTO private.junction VALUES (901, 901), (902, 901);
DELETE FROM test.end_1 WHERE id = 902;
DELETE FROM test.albums WHERE artist_id = 2;
DELETE FROM test.artists WHERE id = 3;

-- partitions: new rows in list, range and default partitions, and a row moved from one partition to another
INSERT INTO test.car_brands VALUES ('Godwit Motors');
INSERT INTO test.car_models (name, year, car_brand_name) VALUES ('Wader', 2021, 'Godwit Motors'), ('Shorebird', 2013, 'Godwit Motors');
INSERT INTO test.car_model_sales VALUES ('2021-01-15', 7, 'Wader', 2021), ('2021-03-01', 2, 'Wader', 2021);
INSERT INTO test.car_dealers VALUES ('Godwit Cars', 'Springfield'), ('Godwit Cars', 'Reykjavík');
INSERT INTO test.car_models_car_dealers VALUES ('Wader', 2021, 'Godwit Cars', 'Springfield', 12),
                                               ('Wader', 2021, 'Godwit Cars', 'Reykjavík', 3);
UPDATE test.car_models_car_dealers SET quantity = 25 WHERE car_dealer_city = 'Springfield' AND car_model_name = 'Wader';
UPDATE test.car_model_sales SET date = '2021-01-20' WHERE date = '2021-03-01' AND car_model_name = 'Wader';
DELETE FROM test.car_model_sales WHERE date = '2021-01-15' AND car_model_name = 'Wader';

-- identity, serial and generated columns
INSERT INTO test.places (name) VALUES ('Wadden Sea'), ('Delta');
INSERT INTO test.visits (place_id, start_time, end_time, visit_type)
SELECT id, timestamp '2026-05-01', timestamp '2026-05-08', 'vacation' FROM test.places WHERE name = 'Wadden Sea';
UPDATE test.places SET name = 'Wadden Sea NP' WHERE name = 'Wadden Sea';
INSERT INTO test.channels (slug) VALUES ('godwit'), ('curlew');
INSERT INTO test.channels (id, slug) VALUES (1000, 'explicit');
INSERT INTO test.surr_gen_default_upsert (name) VALUES ('a'), ('b');
INSERT INTO test.foo (a) VALUES ('telegram'), ('proton'), ('carrier pigeon');
UPDATE test.foo SET a = 'infinity' WHERE a = 'carrier pigeon';
INSERT INTO test.auto_incrementing_pk (nullable_string, non_nullable_string) VALUES ('x', 'y');

-- triggers and rules: a BEFORE trigger that writes the owner, a constraint trigger, INSTEAD OF triggers, a rule
INSERT INTO private.articles (id, body) VALUES (9001, 'written during the migration');
UPDATE private.articles SET body = body || ', edited' WHERE id = 9001;
INSERT INTO postgrest.auth (id, rolname, pass) VALUES ('godwit@example.com', 'postgrest_test_author', repeat('x', 60));
INSERT INTO test.stuff (id, name) VALUES (77, 'through the view');
INSERT INTO test.test_null_pk_competitors_sponsors (id, sponsor_id) VALUES (4242, NULL);
INSERT INTO test.projects_view_with_all_triggers_with_pk VALUES (99, 'ignored by its trigger', 1);
-- a sequence only a function uses
SELECT test.callcounter(), test.callcounter(), test.callcounter();
