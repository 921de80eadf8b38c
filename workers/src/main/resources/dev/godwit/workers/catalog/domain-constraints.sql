-- CHECK constraints of the listed domains, ready for CREATE DOMAIN. Only contype 'c': from PostgreSQL 17 on a
-- domain's NOT NULL is a pg_constraint row too, but pg_type.typnotnull already says it on every version.
SELECT con.contypid AS type_oid,
       'CONSTRAINT ' || quote_ident(con.conname) || ' ' || pg_get_constraintdef(con.oid, true) AS definition
  FROM pg_constraint con
 WHERE con.contypid = ANY (?::int8[]::oid[])
   AND con.contype = 'c'
 ORDER BY con.contypid, con.conname
