-- Chinook (a digital media store) while changes stream: what its shop and back office do. Every key comes from
-- its GENERATED ALWAYS identity column (none is given), so the target must take the replicated keys and, after the
-- cutover, go on from them. Chinook has no trigger, cascade, partition or RLS table.

-- a label signs a new artist: artist, album and tracks, each key taken from the one before
WITH a AS (INSERT INTO artist (name) VALUES ('Godwit Quartet') RETURNING artist_id),
     al AS (INSERT INTO album (title, artist_id) SELECT 'Migrations, Vol. 1', artist_id FROM a RETURNING album_id)
INSERT INTO track (name, album_id, media_type_id, genre_id, composer, milliseconds, bytes, unit_price)
SELECT 'Movement ' || g, al.album_id, 1, 2, 'G. Quartet', 180000 + g * 1000, 6000000 + g, 0.99
  FROM al, generate_series(1, 8) g;

-- a customer buys the new album: an invoice and its lines, the total computed from the lines
WITH c AS (INSERT INTO customer (first_name, last_name, city, country, email, support_rep_id)
           VALUES ('Zoë', 'Ærøskøbing', 'Tórshavn', 'Faroe Islands', 'zoe@example.fo', 3) RETURNING *),
     i AS (INSERT INTO invoice (customer_id, invoice_date, billing_city, billing_country, total)
           SELECT customer_id, timestamp '2026-01-05 10:00', city, country, 0 FROM c RETURNING invoice_id)
INSERT INTO invoice_line (invoice_id, track_id, unit_price, quantity)
SELECT i.invoice_id, t.track_id, t.unit_price, 1
  FROM i, track t JOIN album al USING (album_id) WHERE al.title = 'Migrations, Vol. 1';
UPDATE invoice SET total = (SELECT sum(unit_price * quantity) FROM invoice_line l WHERE l.invoice_id = invoice.invoice_id)
 WHERE invoice_id = (SELECT max(invoice_id) FROM invoice);

-- repeat orders by existing customers, one transaction each
DO $$
BEGIN
  FOR n IN 1..20 LOOP
    WITH i AS (INSERT INTO invoice (customer_id, invoice_date, billing_address, billing_city, billing_country, total)
               SELECT customer_id, timestamp '2026-01-06 00:00' + n * interval '1 hour', address, city, country, 0
                 FROM customer WHERE customer_id = 1 + n % 59 RETURNING invoice_id)
    INSERT INTO invoice_line (invoice_id, track_id, unit_price, quantity)
    SELECT i.invoice_id, t.track_id, t.unit_price, 1 + t.track_id % 2 FROM i, track t WHERE t.track_id % 97 = n;
    UPDATE invoice SET total = (SELECT coalesce(sum(unit_price * quantity), 0) FROM invoice_line l
                                 WHERE l.invoice_id = invoice.invoice_id)
     WHERE invoice_id = (SELECT max(invoice_id) FROM invoice);
    COMMIT;
  END LOOP;
END $$;

-- a price change on one genre, a playlist made, edited and removed again, a refund
UPDATE track SET unit_price = 1.29 WHERE genre_id = 1 AND milliseconds > 400000;
INSERT INTO playlist (name) VALUES ('Godwit picks');
INSERT INTO playlist_track (playlist_id, track_id)
SELECT (SELECT max(playlist_id) FROM playlist), track_id FROM track WHERE track_id % 250 = 0;
DELETE FROM playlist_track WHERE playlist_id = (SELECT max(playlist_id) FROM playlist) AND track_id > 2000;
INSERT INTO playlist (name) VALUES ('Temporary');
DELETE FROM playlist WHERE name = 'Temporary';
DELETE FROM invoice_line WHERE invoice_id = (SELECT max(invoice_id) FROM invoice);
DELETE FROM invoice WHERE invoice_id = (SELECT max(invoice_id) FROM invoice);
-- an employee moves under another manager, a customer to another representative
UPDATE employee SET reports_to = 1, title = 'Sales Manager' WHERE employee_id = 3;
UPDATE customer SET support_rep_id = 4 WHERE country = 'Brazil';
