-- The comments of the installed extensions (CREATE EXTENSION sets the control file's; a source may have another).
SELECT e.extname AS name,
       obj_description(e.oid, 'pg_extension') AS comment
  FROM pg_extension e
 WHERE obj_description(e.oid, 'pg_extension') IS NOT NULL
 ORDER BY e.extname
