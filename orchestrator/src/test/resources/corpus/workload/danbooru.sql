-- Danbooru (an image board, Rails) while changes stream: uploads, tagging, votes, favourites, comments, forum posts,
-- moderation, and its UNLOGGED rate-limit table. Keys come from serial-style sequences through DEFAULT nextval;
-- Danbooru has no trigger, cascade, partition or RLS table, so what must arrive is every value (arrays, inet,
-- timestamps) and, at the cutover, every sequence's position and the rate limits as they were at the fence.

-- uploads: a post per upload, its tags counted, one transaction each
DO $$
DECLARE p int;
BEGIN
  FOR n IN 1..20 LOOP
    INSERT INTO posts (created_at, updated_at, source, md5, rating, uploader_id, tag_string, tag_count,
                       tag_count_general, file_ext, file_size, image_width, image_height)
    VALUES (timestamp '2026-01-12 12:00' + n * interval '1 minute', timestamp '2026-01-12 12:00',
            'https://example.com/art/' || n, md5('godwit upload ' || n), (ARRAY['g', 's', 'q', 'e'])[1 + n % 4],
            1 + n % 50, 'tag_1 tag_2 godwit_' || n, 3, 3, 'png', 100000 + n, 800, 600)
    RETURNING id INTO p;
    INSERT INTO tags (name, post_count, category, created_at, updated_at, words)
    VALUES ('godwit_' || n, 1, 0, timestamp '2026-01-12 12:00', timestamp '2026-01-12 12:00', ARRAY['godwit', n::text]);
    UPDATE tags SET post_count = post_count + 1, updated_at = timestamp '2026-01-12 12:00' WHERE name IN ('tag_1', 'tag_2');
    COMMIT;
  END LOOP;
END $$;

-- votes, favourites and comments on the new posts, and the counters the application keeps
INSERT INTO post_votes (post_id, user_id, score, created_at, updated_at)
SELECT p.id, u, CASE WHEN (p.id + u) % 5 = 0 THEN -1 ELSE 1 END, timestamp '2026-01-12 13:00', timestamp '2026-01-12 13:00'
  FROM posts p, generate_series(1, 5) u WHERE p.md5 LIKE md5('godwit upload 1%') OR p.id > 10000;
UPDATE posts p SET up_score = v.up, down_score = v.down, score = v.up - v.down
  FROM (SELECT post_id, count(*) FILTER (WHERE score > 0) AS up, count(*) FILTER (WHERE score < 0) AS down
          FROM post_votes GROUP BY post_id) v
 WHERE v.post_id = p.id AND p.id > 10000;
INSERT INTO favorites (user_id, post_id) SELECT 7, id FROM posts WHERE id > 10000 AND id % 3 = 0;
UPDATE posts SET fav_count = fav_count + 1 WHERE id > 10000 AND id % 3 = 0;
INSERT INTO comments (post_id, creator_id, body, created_at, updated_at)
SELECT id, 3, 'Nice one! ✨ #' || id, timestamp '2026-01-12 14:00', timestamp '2026-01-12 14:00' FROM posts WHERE id > 10010;
UPDATE comments SET body = body || ' (edited)', updater_id = 3, updated_at = timestamp '2026-01-12 15:00'
 WHERE id = (SELECT max(id) FROM comments);
DELETE FROM comments WHERE id = (SELECT min(id) FROM comments WHERE post_id > 10010);
DELETE FROM favorites WHERE post_id = (SELECT min(post_id) FROM favorites WHERE post_id > 10000);

-- the forum and moderation
WITH t AS (INSERT INTO forum_topics (creator_id, updater_id, title, created_at, updated_at)
           VALUES (2, 2, 'Migration weekend', timestamp '2026-01-12 16:00', timestamp '2026-01-12 16:00') RETURNING id)
INSERT INTO forum_posts (topic_id, creator_id, updater_id, body, created_at, updated_at)
SELECT t.id, u, u, 'Reply ' || u, timestamp '2026-01-12 16:00' + u * interval '1 minute', timestamp '2026-01-12 16:00'
  FROM t, generate_series(1, 4) u;
UPDATE forum_topics SET response_count = 4 WHERE title = 'Migration weekend';
UPDATE posts SET is_deleted = true, updated_at = timestamp '2026-01-12 17:00' WHERE id = 10005;
INSERT INTO mod_actions (creator_id, description, created_at, updated_at, category, subject_type, subject_id)
VALUES (1, 'deleted post #10005', timestamp '2026-01-12 17:00', timestamp '2026-01-12 17:00', 42, 'Post', 10005);
UPDATE users SET last_logged_in_at = timestamp '2026-01-12 18:00', last_ip_addr = '192.0.2.7', favorite_count = favorite_count + 1
 WHERE id = 7;

-- the rate limiter (UNLOGGED: not in the WAL, so not streamed; the cutover copies it inside its fence)
INSERT INTO rate_limits (created_at, updated_at, limited, points, action, key)
SELECT timestamp '2026-01-12 18:00', timestamp '2026-01-12 18:00', g % 7 = 0, g * 1.5, 'posts:create', 'user:' || g
  FROM generate_series(1, 30) g;
UPDATE rate_limits SET points = points - 1, limited = points - 1 < 0 WHERE key IN ('user:1', 'user:2');
DELETE FROM rate_limits WHERE key = 'user:30';
