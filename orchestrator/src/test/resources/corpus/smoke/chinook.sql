-- Chinook after the cutover: the store's own statements, run on the source and on the target alike; every line they
-- print must be the same. Keys come from the identity columns, so the same keys on both sides prove that the
-- identity sequences were carried over.
INSERT INTO artist (name) VALUES ('After Cutover') RETURNING artist_id;
INSERT INTO album (title, artist_id) SELECT 'First Release', max(artist_id) FROM artist RETURNING album_id, artist_id;
INSERT INTO track (name, album_id, media_type_id, genre_id, milliseconds, unit_price)
SELECT 'Opening', max(album_id), 1, 1, 200000, 0.99 FROM album RETURNING track_id, album_id;
INSERT INTO playlist (name) VALUES ('Smoke') RETURNING playlist_id;
INSERT INTO customer (first_name, last_name, email) VALUES ('Smoke', 'Test', 'smoke@example.com') RETURNING customer_id;
INSERT INTO invoice (customer_id, invoice_date, total)
SELECT max(customer_id), timestamp '2026-02-01', 0.99 FROM customer RETURNING invoice_id;
INSERT INTO invoice_line (invoice_id, track_id, unit_price, quantity)
SELECT max(invoice_id), (SELECT max(track_id) FROM track), 0.99, 1 FROM invoice RETURNING invoice_line_id;
INSERT INTO media_type (name) VALUES ('Lossless') RETURNING media_type_id;
INSERT INTO genre (name) VALUES ('Field Recordings') RETURNING genre_id;
INSERT INTO employee (last_name, first_name, reports_to) VALUES ('New', 'Hire', 2) RETURNING employee_id;
-- the store's reports
SELECT ar.name, count(*) AS tracks, sum(t.milliseconds) / 60000 AS minutes
  FROM artist ar JOIN album al USING (artist_id) JOIN track t USING (album_id)
 GROUP BY ar.name ORDER BY tracks DESC, ar.name LIMIT 10;
SELECT billing_country, count(*), sum(total) FROM invoice GROUP BY billing_country ORDER BY sum(total) DESC, 1 LIMIT 10;
SELECT e.last_name, count(c.*) AS customers, coalesce(sum(i.total), 0) AS sales
  FROM employee e LEFT JOIN customer c ON c.support_rep_id = e.employee_id LEFT JOIN invoice i USING (customer_id)
 GROUP BY e.employee_id, e.last_name ORDER BY e.employee_id;
SELECT g.name, round(avg(t.unit_price), 4), count(*) FROM genre g JOIN track t USING (genre_id) GROUP BY g.name ORDER BY 1;
SELECT p.name, count(pt.track_id) FROM playlist p LEFT JOIN playlist_track pt USING (playlist_id)
 GROUP BY p.playlist_id, p.name ORDER BY p.playlist_id;
SELECT first_name, last_name, city, country FROM customer WHERE country IN ('Brazil', 'Faroe Islands') ORDER BY customer_id;
-- the identity columns still refuse explicit keys, as on the source (the SQLSTATE, since 13 and 17 word it apart)
DO $$ BEGIN
  INSERT INTO artist (artist_id, name) VALUES (1, 'explicit');
  RAISE NOTICE 'accepted an explicit key';
EXCEPTION WHEN generated_always THEN RAISE NOTICE 'refused with SQLSTATE %', SQLSTATE;
END $$;
