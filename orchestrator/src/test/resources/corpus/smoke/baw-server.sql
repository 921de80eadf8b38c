-- baw-server after the cutover: the workbench's own statements, run on the source and on the target alike; every line
-- they print must be the same. The keys that inserts return prove that its sequences were set at the cutover; the
-- aggregate over its composite state type, its multirange and path functions and its enums are exercised.
INSERT INTO audio_recordings (uuid, uploader_id, recorded_date, site_id, duration_seconds, media_type, data_length_bytes,
                              file_hash, creator_id)
VALUES ('00000000-0000-4000-8000-00000000beef', 1, timestamp '2026-03-01 05:00', 1, 60, 'audio/wav', 1, 'SHA256::smoke', 1)
RETURNING id, status;
INSERT INTO audio_events (audio_recording_id, start_time_seconds, creator_id) SELECT max(id), 1, 1 FROM audio_recordings
RETURNING id, is_reference;
INSERT INTO tags (text, creator_id) VALUES ('smoke', 1) RETURNING id, type_of_tag, retired;
INSERT INTO audio_events_tags (audio_event_id, tag_id, creator_id)
SELECT (SELECT max(id) FROM audio_events), (SELECT max(id) FROM tags), 1 RETURNING id;
INSERT INTO audio_event_comments (audio_event_id, comment, creator_id) SELECT max(id), 'smoke', 1 FROM audio_events RETURNING id;
INSERT INTO bookmarks (audio_recording_id, name, creator_id) SELECT max(id), 'smoke', 1 FROM audio_recordings RETURNING id;
INSERT INTO projects (name, creator_id) VALUES ('Smoke', 1) RETURNING id, allow_audio_upload;
INSERT INTO sites (name, creator_id) VALUES ('Smoke', 1) RETURNING id, custom_obfuscated_location;
-- a cascade on the target: a recording removed with its events, their tags and comments, its bookmarks
DELETE FROM audio_recordings WHERE uuid = '00000000-0000-4000-8000-00000000beef';
SELECT (SELECT count(*) FROM audio_events WHERE creator_id = 1 AND start_time_seconds = 1) AS events,
       (SELECT count(*) FROM bookmarks WHERE name = 'smoke') AS bookmarks;
-- the position of every sequence used so far
SELECT string_agg(sequencename || '=' || last_value, ' ' ORDER BY sequencename) FILTER (WHERE last_value IS NOT NULL)
  FROM pg_sequences WHERE schemaname = 'public';
-- its aggregate, functions and enums
-- (contiguous_range_number counts gaps between consecutive ranges, so it is fed in recording order)
SELECT site_id, contiguous_range_number(tsrange(recorded_date, recorded_date + make_interval(secs => duration_seconds::float8)),
                                        interval '1 hour' ORDER BY recorded_date, id)
  FROM audio_recordings WHERE site_id <= 3 GROUP BY site_id ORDER BY site_id;
SELECT site_id, tsmultirange_total_seconds(range_agg(tsrange(recorded_date,
                                           recorded_date + make_interval(secs => duration_seconds::float8))))
  FROM audio_recordings WHERE site_id <= 3 GROUP BY site_id ORDER BY site_id;
SELECT basename('/data/2026/dawn.flac'), dirname('/data/2026/dawn.flac'), is_json('{"a": 1}'), is_json('nope'),
       path_contained_by_query('a/b/c/d', '/a/b/');
SELECT enum_range(NULL::analysis_jobs_item_status), enum_range(NULL::consent);
-- what its pages read
SELECT r.site_id, count(*), sum(r.duration_seconds), count(e.*) AS events
  FROM audio_recordings r LEFT JOIN audio_events e ON e.audio_recording_id = r.id
 GROUP BY r.site_id ORDER BY count(*) DESC, r.site_id LIMIT 5;
SELECT t.text, count(at.*) FROM tags t LEFT JOIN audio_events_tags at ON at.tag_id = t.id
 GROUP BY t.id, t.text ORDER BY count(at.*) DESC, t.id LIMIT 5;
SELECT count(*) FROM projects_sites;
