-- Danbooru after the cutover: the image board's own statements, run on the source and on the target alike; every line
-- they print must be the same. Keys come from serial-style sequences: the same keys on both sides prove that the
-- sequences were set at the cutover. The searches use its extensions (pg_trgm, fuzzystrmatch) and its functions.
INSERT INTO posts (created_at, updated_at, md5, uploader_id, file_ext, file_size, image_width, image_height)
VALUES (timestamp '2026-03-01', timestamp '2026-03-01', md5('smoke'), 1, 'jpg', 1, 1, 1) RETURNING id, rating, score;
INSERT INTO tags (name, created_at, updated_at) VALUES ('smoke_test', timestamp '2026-03-01', timestamp '2026-03-01')
RETURNING id, post_count, category, words;
INSERT INTO comments (post_id, creator_id, body, created_at, updated_at)
SELECT max(id), 1, 'smoke', timestamp '2026-03-01', timestamp '2026-03-01' FROM posts RETURNING id, post_id;
INSERT INTO favorites (user_id, post_id) SELECT 1, max(id) FROM posts RETURNING id;
INSERT INTO post_votes (post_id, user_id, score, created_at, updated_at)
SELECT max(id), 1, 1, timestamp '2026-03-01', timestamp '2026-03-01' FROM posts RETURNING id;
INSERT INTO mod_actions (creator_id, description, created_at, updated_at, category)
VALUES (1, 'smoke', timestamp '2026-03-01', timestamp '2026-03-01', 0) RETURNING id;
INSERT INTO rate_limits (created_at, updated_at, points, action, key)
VALUES (timestamp '2026-03-01', timestamp '2026-03-01', 1, 'smoke', 'smoke') RETURNING id, limited;
-- what the board's pages read
SELECT id, tag_string, score, up_score, down_score, fav_count FROM posts WHERE id > 10000 ORDER BY id LIMIT 8;
SELECT name, post_count, words FROM tags WHERE name % 'godwit_1' ORDER BY similarity(name, 'godwit_1') DESC, name LIMIT 5;
SELECT name, levenshtein(name, 'tag_12') FROM tags WHERE levenshtein(name, 'tag_12') <= 1 ORDER BY name LIMIT 10;
SELECT array_initials(ARRAY['general', 'artist', 'copyright']), lower(ARRAY['Godwit', 'ÉTÉ']);
SELECT count(*) FROM tags WHERE 'tag_1' ~<< '^tag_1$';
SELECT model_type, count(*) FROM post_events GROUP BY 1 ORDER BY 1;
SELECT t.title, t.response_count, count(p.*) FROM forum_topics t JOIN forum_posts p ON p.topic_id = t.id
 GROUP BY t.id, t.title, t.response_count ORDER BY t.id DESC LIMIT 3;
SELECT key, points, limited FROM rate_limits ORDER BY key LIMIT 10;
SELECT count(*), sum(points) FROM rate_limits;
SELECT u.name, u.last_ip_addr, u.favorite_count FROM users u WHERE id = 7;
