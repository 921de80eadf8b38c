-- Puts back the search_path that search-path-clear.sql found, for the rest of the current transaction.
SELECT pg_catalog.set_config('search_path', ?, true)
