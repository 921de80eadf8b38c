-- Puts back the jit setting that jit-off.sql found, for the rest of the current transaction.
SELECT pg_catalog.set_config('jit', ?, true)
