-- Empties search_path for the current transaction only (is_local), returning the value to put back afterwards.
SELECT current_setting('search_path') AS previous, pg_catalog.set_config('search_path', '', true) AS cleared
