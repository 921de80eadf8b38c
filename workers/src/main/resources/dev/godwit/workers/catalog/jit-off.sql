-- Turns JIT compilation off for the current transaction only (is_local), returning the value to put back afterwards:
-- the catalog queries are cheap but their plans look expensive to the planner (recursive CTEs over pg_depend), and
-- compiling them cost about a second per query on a server with jit on, where they run in milliseconds without it.
SELECT current_setting('jit') AS previous, pg_catalog.set_config('jit', 'off', true) AS cleared
