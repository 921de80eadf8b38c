-- godwit's state, in the target database. ${schema} is the task's controlSchema, quoted.
-- Every statement is idempotent: installing over an existing schema changes nothing.
CREATE SCHEMA IF NOT EXISTS ${schema};

-- one row per task: what was asked (desired_state) apart from what is happening (phase)
CREATE TABLE IF NOT EXISTS ${schema}.task (
    name              text PRIMARY KEY,
    type              text NOT NULL,
    phase             text NOT NULL,
    desired_state     text NOT NULL DEFAULT 'run',
    slot_name         text,
    publication_name  text,
    consistent_point  pg_lsn,
    owner             text,
    owner_seen_at     timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
-- where CDC stops by itself ('godwit stop --at': an LSN or an ISO-8601 time), until reached
ALTER TABLE ${schema}.task ADD COLUMN IF NOT EXISTS stop_at text;
-- the exported snapshot units are copied under while the load is spread over worker processes; null otherwise: a worker
-- takes a unit only under the snapshot recorded here, so a job left from an earlier run takes nothing
ALTER TABLE ${schema}.task ADD COLUMN IF NOT EXISTS load_snapshot text;
-- what a worker joining by the control URL ('godwit worker postgresql://…') needs besides the target: the source as
-- the task file names it, never with a password, and the full load's parallelism; written by every start and resume
ALTER TABLE ${schema}.task ADD COLUMN IF NOT EXISTS source_url text;
ALTER TABLE ${schema}.task ADD COLUMN IF NOT EXISTS parallelism int;

-- per target table: its load state and the LSN its copy is consistent with
CREATE TABLE IF NOT EXISTS ${schema}.table_state (
    task           text NOT NULL REFERENCES ${schema}.task (name) ON DELETE CASCADE,
    table_key      text NOT NULL,
    source_name    text NOT NULL,
    state          text NOT NULL,
    sync_lsn       pg_lsn,
    rows_copied    bigint NOT NULL DEFAULT 0,
    bytes_copied   bigint NOT NULL DEFAULT 0,
    started_at     timestamptz,
    finished_at    timestamptz,
    PRIMARY KEY (task, table_key)
);

-- the unit ledger: a unit's row is written in the same target transaction as its data
CREATE TABLE IF NOT EXISTS ${schema}.unit (
    task             text NOT NULL REFERENCES ${schema}.task (name) ON DELETE CASCADE,
    unit_id          text NOT NULL,
    table_key        text NOT NULL,
    source_relation  text NOT NULL,
    kind             text NOT NULL,
    predicate        text,
    estimated_bytes  bigint NOT NULL,
    ordinal          int NOT NULL,
    state            text NOT NULL DEFAULT 'pending',
    rows_copied      bigint,
    bytes_copied     bigint,
    millis           bigint,
    copied_at        timestamptz,
    PRIMARY KEY (task, unit_id)
);
-- the rows the source's COPY sent for the unit (rows_copied: the rows the target's COPY wrote), written with the unit's
-- data: the validation after a full load compares the two instead of counting both sides again
ALTER TABLE ${schema}.unit ADD COLUMN IF NOT EXISTS source_rows bigint;
-- the unit's lease (docs/scale-out.md): whoever takes a unit bumps its epoch in a transaction of its own, and the unit's
-- ledger row is marked done, in the target transaction of its rows, only while the epoch is still the one taken; a late
-- duplicate (a worker declared dead that was only stalled) finds another epoch or the unit done and rolls back.
-- state is 'pending', 'done', or, for a unit a worker process gave up on, 'failed' (with error) or 'rewritten'
ALTER TABLE ${schema}.unit ADD COLUMN IF NOT EXISTS epoch bigint NOT NULL DEFAULT 0;
ALTER TABLE ${schema}.unit ADD COLUMN IF NOT EXISTS owner text;
ALTER TABLE ${schema}.unit ADD COLUMN IF NOT EXISTS lease_expires_at timestamptz;
ALTER TABLE ${schema}.unit ADD COLUMN IF NOT EXISTS error text;

-- the CDC checkpoint: the end LSN of the last source transaction applied, written with its changes
CREATE TABLE IF NOT EXISTS ${schema}.checkpoint (
    task         text PRIMARY KEY REFERENCES ${schema}.task (name) ON DELETE CASCADE,
    lsn          pg_lsn NOT NULL,
    commit_time  timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- parallel apply: the source transactions committed on the target above the checkpoint (by the commit LSN of their
-- Begin), each written in the target transaction that applied it; forgotten once the checkpoint passes them
CREATE TABLE IF NOT EXISTS ${schema}.applied_transaction (
    task        text NOT NULL REFERENCES ${schema}.task (name) ON DELETE CASCADE,
    commit_lsn  pg_lsn NOT NULL,
    PRIMARY KEY (task, commit_lsn)
);

-- what happened, for status and the final report
CREATE TABLE IF NOT EXISTS ${schema}.event (
    id       bigserial PRIMARY KEY,
    task     text NOT NULL,
    at       timestamptz NOT NULL DEFAULT now(),
    level    text NOT NULL,
    step     text NOT NULL,
    message  text NOT NULL
);

-- changes that failed to apply under errorPolicy log-and-continue: kept for a person to look at and replay
CREATE TABLE IF NOT EXISTS ${schema}.apply_exception (
    id           bigserial PRIMARY KEY,
    task         text NOT NULL,
    at           timestamptz NOT NULL DEFAULT now(),
    commit_lsn   pg_lsn NOT NULL,
    table_key    text NOT NULL,
    operation    text NOT NULL,
    sqlstate     text,
    error        text NOT NULL,
    change       jsonb
);
-- the row's key apart from its table (before, table_key held both)
ALTER TABLE ${schema}.apply_exception ADD COLUMN IF NOT EXISTS row_key text;

-- one row per validation: at which source position both sides were read, and the outcome
CREATE TABLE IF NOT EXISTS ${schema}.validation_run (
    id           bigserial PRIMARY KEY,
    task         text NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    source_lsn   pg_lsn,
    content      boolean NOT NULL,
    state        text NOT NULL,
    differences  int NOT NULL DEFAULT 0
);

-- per validated unit of a table: rows on both sides, the content hashes when asked, and the verdict
CREATE TABLE IF NOT EXISTS ${schema}.validation_result (
    run_id       bigint NOT NULL REFERENCES ${schema}.validation_run (id) ON DELETE CASCADE,
    table_key    text NOT NULL,
    unit_id      text NOT NULL,
    source_rows  bigint,
    target_rows  bigint,
    source_hash  text,
    target_hash  text,
    state        text NOT NULL,
    millis       bigint,
    PRIMARY KEY (run_id, table_key, unit_id)
);
-- the chunk's key range as the report names it (unit_id is the chunk's ordinal within its table)
ALTER TABLE ${schema}.validation_result ADD COLUMN IF NOT EXISTS key_range text;
-- the chunk's bounds as key text (inclusive lower, exclusive upper; null for an open end) and whether it is the chunk
-- of NULL keys: 'godwit repair' copies again exactly the chunks a content validation found different
ALTER TABLE ${schema}.validation_result ADD COLUMN IF NOT EXISTS lower_key text;
ALTER TABLE ${schema}.validation_result ADD COLUMN IF NOT EXISTS upper_key text;
ALTER TABLE ${schema}.validation_result ADD COLUMN IF NOT EXISTS null_keys boolean;

-- a validation spread over worker processes ('godwit validate --workers external'): one row per chunk, with the two
-- queries that compare it and the source snapshot they read under. A process takes a chunk by bumping its epoch in a
-- transaction of its own, under a lease its heartbeat renews; its counts are written only while the epoch is still the
-- one it took, so a chunk compared twice (a worker declared dead that was only stalled) is recorded once
CREATE TABLE IF NOT EXISTS ${schema}.validation_chunk (
    run_id            bigint NOT NULL REFERENCES ${schema}.validation_run (id) ON DELETE CASCADE,
    table_key         text NOT NULL,
    ordinal           int NOT NULL,
    snapshot          text NOT NULL,
    source_sql        text NOT NULL,
    target_sql        text NOT NULL,
    state             text NOT NULL DEFAULT 'pending',
    epoch             bigint NOT NULL DEFAULT 0,
    owner             text,
    lease_expires_at  timestamptz,
    source_rows       bigint,
    source_hash       text,
    target_rows       bigint,
    target_hash       text,
    millis            bigint,
    error             text,
    PRIMARY KEY (run_id, table_key, ordinal)
);

-- a request to the running applier to pause before the first source transaction committed at or after hold_lsn
-- (validation reads both sides at that position); reached_lsn is set by the applier once it has paused there
CREATE TABLE IF NOT EXISTS ${schema}.apply_hold (
    task          text PRIMARY KEY REFERENCES ${schema}.task (name) ON DELETE CASCADE,
    hold_lsn      pg_lsn NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    reached_lsn   pg_lsn,
    reached_at    timestamptz
);
-- which process asked for the hold (pid@host): a hold of a process that died on this machine is void at once
ALTER TABLE ${schema}.apply_hold ADD COLUMN IF NOT EXISTS holder text;
-- the longest the applier stays paused for this request (the validation's own bound); past it the applier deletes
-- the request and goes on, and the validation finds its hold gone
ALTER TABLE ${schema}.apply_hold ADD COLUMN IF NOT EXISTS max_pause interval;

-- cutovers asked for (now, or fired by the schedule) and what became of them; the running godwit process performs a
-- 'requested' one, and the report columns are what 'godwit cutover' and 'status' print
CREATE TABLE IF NOT EXISTS ${schema}.cutover (
    id                bigserial PRIMARY KEY,
    task              text NOT NULL REFERENCES ${schema}.task (name) ON DELETE CASCADE,
    requested_at      timestamptz NOT NULL DEFAULT now(),
    requested_by      text NOT NULL,
    fence             boolean NOT NULL,
    state             text NOT NULL DEFAULT 'requested',
    started_at        timestamptz,
    finished_at       timestamptz,
    lag_bytes_at_start bigint,
    lag_bytes_at_fence bigint,
    final_lsn         pg_lsn,
    catch_up_millis   bigint,
    sequences_set     int,
    rows_validated    bigint,
    message           text
);
ALTER TABLE ${schema}.cutover ADD COLUMN IF NOT EXISTS accept_differences boolean NOT NULL DEFAULT false;
-- when the fence stopped the source's writes: with finished_at, the application's write downtime
ALTER TABLE ${schema}.cutover ADD COLUMN IF NOT EXISTS fenced_at timestamptz;
-- the cutover also starts change data capture from the target back to the source ('godwit cutover --with-fallback')
ALTER TABLE ${schema}.cutover ADD COLUMN IF NOT EXISTS with_fallback boolean NOT NULL DEFAULT false;

-- the way back after a cutover with fallback: the reverse slot and publication on the target, the replication origin
-- on the source that records what the source has applied, and how the fallback ended
CREATE TABLE IF NOT EXISTS ${schema}.fallback (
    task              text PRIMARY KEY REFERENCES ${schema}.task (name) ON DELETE CASCADE,
    slot_name         text NOT NULL,
    publication_name  text NOT NULL,
    origin_name       text NOT NULL,
    start_lsn         pg_lsn NOT NULL,
    state             text NOT NULL DEFAULT 'streaming',
    created_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    final_lsn         pg_lsn,
    message           text,
    -- source identity columns made BY DEFAULT for the reverse stream, ALWAYS again at the fallback
    identity_always   text[] NOT NULL DEFAULT '{}'
);

-- the applier's latest progress line (every 10 s while streaming), for status: rate and how far it has received
CREATE TABLE IF NOT EXISTS ${schema}.cdc_progress (
    task                     text PRIMARY KEY REFERENCES ${schema}.task (name) ON DELETE CASCADE,
    applied_lsn              pg_lsn,
    received_lsn             pg_lsn,
    transactions_per_second  numeric NOT NULL,
    changes_per_second       numeric NOT NULL,
    updated_at               timestamptz NOT NULL DEFAULT now()
);

-- tables to copy again while CDC runs ('godwit reload'): written by the command, taken by the process that runs the
-- task; 'copying' from the moment the process diverts the tables' changes until the copy commits (in the same target
-- transaction as state 'done'), so a crash in between leaves it 'copying' and the next run copies again
CREATE TABLE IF NOT EXISTS ${schema}.reload (
    id            bigserial PRIMARY KEY,
    task          text NOT NULL REFERENCES ${schema}.task (name) ON DELETE CASCADE,
    tables        text[] NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    requested_by  text NOT NULL,
    state         text NOT NULL DEFAULT 'requested',
    started_at    timestamptz,
    finished_at   timestamptz,
    sync_lsn      pg_lsn,
    rows_copied   bigint,
    message       text
);

-- the plain indexes of the task's source tables as godwit last saw them (at the plan, then at each look while changes
-- stream), so that an index dropped on the source, even while no godwit process ran, is dropped on the target too
-- and an index the target has of its own is not
CREATE TABLE IF NOT EXISTS ${schema}.source_index (
    task       text NOT NULL REFERENCES ${schema}.task (name) ON DELETE CASCADE,
    table_key  text NOT NULL,
    name       text NOT NULL,
    PRIMARY KEY (task, table_key, name)
);

-- per target table, the source column each of its columns follows: by attnum, which PostgreSQL keeps across a RENAME
-- COLUMN (a dropped column's is never reused, an added one gets a new one), under the source name the target last
-- followed. Written with the plan and, in the apply transaction, with each column DDL godwit follows; it is what
-- tells a rename from a drop and an add during CDC
CREATE TABLE IF NOT EXISTS ${schema}.source_column (
    task         text NOT NULL REFERENCES ${schema}.task (name) ON DELETE CASCADE,
    table_key    text NOT NULL,
    attnum       smallint NOT NULL,
    column_name  text NOT NULL,
    PRIMARY KEY (task, table_key, attnum)
);

-- the processes that copy a task's units ('godwit worker', and 'godwit start' or 'resume' when the load is spread): one
-- row per process, its heartbeat refreshed every few seconds by the target's clock, and the unit in its hands
CREATE TABLE IF NOT EXISTS ${schema}.worker (
    task          text NOT NULL REFERENCES ${schema}.task (name) ON DELETE CASCADE,
    worker_id     text NOT NULL,
    host          text NOT NULL,
    pid           bigint NOT NULL,
    capacity      int NOT NULL,
    coordinator   boolean NOT NULL DEFAULT false,
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now(),
    units_done    bigint NOT NULL DEFAULT 0,
    units_in_hand text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (task, worker_id)
);
