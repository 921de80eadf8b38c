-- baw-server (the Acoustic Workbench, Rails) while changes stream: recordings uploaded to a site, events annotated,
-- tagged and commented, a bookmark, then a recording and a project removed: every child of them goes with them
-- through ON DELETE CASCADE (events, their tags and comments, bookmarks; permissions, a project's site links). Keys
-- come from serial-style sequences. The target must receive each cascaded delete once, from the source.

-- uploads: a recording per upload on site 1, with events on it, one transaction each
DO $$
DECLARE r int; e int;
BEGIN
  FOR n IN 1..15 LOOP
    INSERT INTO audio_recordings (uuid, uploader_id, recorded_date, site_id, duration_seconds, sample_rate_hertz, channels,
                                  bit_rate_bps, media_type, data_length_bytes, file_hash, status, creator_id,
                                  created_at, updated_at, original_file_name, recorded_utc_offset)
    VALUES (md5('godwit recording ' || n)::uuid::text, 1, timestamp '2026-01-20 05:00' + n * interval '1 hour', 1,
            3600.5, 22050, 1, 64000, 'audio/flac', 123456789 + n, 'SHA256::' || md5('hash' || n), 'ready', 1,
            timestamp '2026-01-20 12:00', timestamp '2026-01-20 12:00', 'dawn_chorus_' || n || '.flac', '+10:00')
    RETURNING id INTO r;
    FOR k IN 1..4 LOOP
      INSERT INTO audio_events (audio_recording_id, start_time_seconds, end_time_seconds, low_frequency_hertz,
                                high_frequency_hertz, is_reference, creator_id, created_at, updated_at, channel, score)
      VALUES (r, k * 60, k * 60 + 4.25, 1200, 5400.5, k = 1, 2, timestamp '2026-01-20 13:00',
              timestamp '2026-01-20 13:00', 1, 0.5 + k / 10.0)
      RETURNING id INTO e;
      INSERT INTO audio_events_tags (audio_event_id, tag_id, creator_id, created_at, updated_at)
      VALUES (e, 1 + (n + k) % 5, 2, timestamp '2026-01-20 13:00', timestamp '2026-01-20 13:00');
    END LOOP;
    INSERT INTO audio_event_comments (audio_event_id, comment, creator_id, created_at, updated_at)
    VALUES (e, 'Eastern whipbird? ' || n, 3, timestamp '2026-01-20 14:00', timestamp '2026-01-20 14:00');
    INSERT INTO bookmarks (audio_recording_id, offset_seconds, name, creator_id, created_at, updated_at, category)
    VALUES (r, 61.5, 'call at 1 min, recording ' || n, 3, timestamp '2026-01-20 14:00', timestamp '2026-01-20 14:00', 'birds');
    COMMIT;
  END LOOP;
END $$;

-- reviews: events corrected, a comment flagged, a tag retired
UPDATE audio_events SET end_time_seconds = end_time_seconds + 0.5, updater_id = 2, updated_at = timestamp '2026-01-21 09:00'
 WHERE audio_recording_id IN (SELECT id FROM audio_recordings WHERE original_file_name LIKE 'dawn_chorus_1%');
UPDATE audio_event_comments SET flag = 'report', flagger_id = 4, flagged_at = timestamp '2026-01-21 09:30'
 WHERE comment = 'Eastern whipbird? 3';
UPDATE tags SET retired = true, notes = '{"reason": "merged"}' WHERE id = 5;

-- removals that cascade: a recording (its events, their tags and comments, its bookmarks), an event, and a project
-- (its permissions and saved searches) once the application has unlinked its sites
DELETE FROM audio_recordings WHERE original_file_name = 'dawn_chorus_2.flac';
DELETE FROM audio_events WHERE audio_recording_id = (SELECT id FROM audio_recordings WHERE original_file_name = 'dawn_chorus_4.flac')
                           AND is_reference;
BEGIN;
DELETE FROM projects_sites WHERE project_id = 40;
DELETE FROM projects WHERE id = 40;
COMMIT;
