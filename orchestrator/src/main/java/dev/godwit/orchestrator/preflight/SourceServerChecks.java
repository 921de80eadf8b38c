package dev.godwit.orchestrator.preflight;

import dev.godwit.orchestrator.plan.Sizes;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.godwit.orchestrator.preflight.PreflightContext.number;
import static dev.godwit.orchestrator.preflight.PreflightContext.quote;
import static dev.godwit.orchestrator.preflight.PreflightContext.rows;
import static dev.godwit.orchestrator.preflight.PreflightContext.setting;
import static dev.godwit.orchestrator.preflight.PreflightContext.settingInBaseUnit;

/**
 * The source server's settings and activity: logical decoding, slots and WAL senders, timeouts that end long copies,
 * WAL retention, and transactions that hold back the slot's creation. Replication checks apply to CDC tasks only.
 */
final class SourceServerChecks extends CheckGroup {
    /** A slot for the task, and one more for a table resynchronised while the task runs (resume, reload). */
    static final int SLOTS_RECOMMENDED = 2;
    static final long MIN_DECODING_WORK_MEM = 64L << 20;
    static final long MIN_SLOT_WAL_KEEP = 1L << 30;

    private final Duration longTransaction;

    SourceServerChecks(Duration longTransaction) {
        this.longTransaction = longTransaction;
    }

    @Override
    List<Finding> run(PreflightContext ctx) {
        List<Finding> out = new ArrayList<>();
        Connection c = ctx.source();
        TimeoutChecks.check(out, "source", c, ctx.sourceRole());
        if (!ctx.cdc()) {
            return out;
        }
        attempt(out, "source.wal_level", "wal_level", found -> {
            String level = setting(c, "wal_level").orElse("unknown");
            if (!level.equals("logical")) {
                found.add(Finding.blocker("source.wal_level", "wal_level",
                        "wal_level is '" + level + "'; change data capture needs 'logical'",
                        ctx.sourceIsRds()
                                ? "RDS/Aurora: set rds.logical_replication = 1 in the DB (cluster) parameter group, then reboot the instance"
                                : "ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL"));
            }
        });
        attempt(out, "source.replication_slots", "max_replication_slots", found -> {
            long max = number(c, "SELECT current_setting('max_replication_slots')::int");
            long used = number(c, "SELECT count(*) FROM pg_replication_slots");
            slotFinding(found, "source.replication_slots", "max_replication_slots", max, used, "replication slots",
                    ctx.sourceIsRds());
        });
        attempt(out, "source.wal_senders", "max_wal_senders", found -> {
            long max = number(c, "SELECT current_setting('max_wal_senders')::int");
            long used = number(c, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender'");
            slotFinding(found, "source.wal_senders", "max_wal_senders", max, used, "WAL senders", ctx.sourceIsRds());
        });
        attempt(out, "source.wal_sender_timeout", "wal_sender_timeout", found -> {
            long ms = settingInBaseUnit(c, "wal_sender_timeout").orElse(0L);
            if (ms != 0 && ms < 10_000) {
                found.add(Finding.warning("source.wal_sender_timeout", "wal_sender_timeout",
                        "wal_sender_timeout is " + ms + " ms: a replication connection that waits longer (while a "
                                + "large transaction is applied on the target, or while the full load holds the "
                                + "snapshot) is cut off and must reconnect",
                        "ALTER SYSTEM SET wal_sender_timeout = '60s'; SELECT pg_reload_conf(); "
                                + "(RDS/Aurora: wal_sender_timeout in the parameter group)"));
            }
        });
        if (ctx.catalog().majorVersion() >= 13) {
            attempt(out, "source.max_slot_wal_keep_size", "max_slot_wal_keep_size",
                    found -> walKeepSize(found, c, ctx.plan().sizeBytes()));
            attempt(out, "source.logical_decoding_work_mem", "logical_decoding_work_mem", found -> {
                long bytes = settingInBaseUnit(c, "logical_decoding_work_mem").orElse(MIN_DECODING_WORK_MEM);
                if (bytes < MIN_DECODING_WORK_MEM) {
                    found.add(Finding.warning("source.logical_decoding_work_mem", "logical_decoding_work_mem",
                            "logical_decoding_work_mem is " + Sizes.human(bytes) + ": large source transactions spill "
                                    + "to disk on the source while they are decoded, which slows CDC down",
                            "ALTER SYSTEM SET logical_decoding_work_mem = '64MB'; SELECT pg_reload_conf(); "
                                    + "(RDS/Aurora: logical_decoding_work_mem in the parameter group)"));
                }
            });
        }
        attempt(out, "source.long_transactions", "pg_stat_activity", found -> {
            for (List<String> r : rows(c, """
                    SELECT pid::text, coalesce(usename, '?'), coalesce(datname, '?'),
                           extract(epoch FROM now() - xact_start)::bigint::text
                      FROM pg_stat_activity
                     WHERE xact_start < now() - make_interval(secs => ?)
                       AND pid <> pg_backend_pid() AND backend_type = 'client backend'
                     ORDER BY xact_start""", (double) longTransaction.toSeconds())) {
                found.add(Finding.warning("source.long_transactions", "backend " + r.get(0) + " (role " + r.get(1)
                                + ", database " + r.get(2) + ")",
                        "a transaction open for " + r.get(3) + " s: creating the replication slot waits until every "
                                + "transaction running at that moment has ended",
                        "end it in its application, or SELECT pg_terminate_backend(" + r.get(0) + ");"));
            }
        });
        attempt(out, "source.prepared_transactions", "pg_prepared_xacts", found -> {
            for (List<String> r : rows(c, """
                    SELECT gid, owner::text, database::text, prepared::text FROM pg_prepared_xacts ORDER BY prepared""")) {
                found.add(Finding.warning("source.prepared_transactions", "prepared transaction '" + r.get(0)
                                + "' (database " + r.get(2) + ")",
                        "a prepared transaction (since " + r.get(3) + ") is still open: creating the replication slot "
                                + "waits until it is committed or rolled back",
                        "COMMIT PREPARED '" + r.get(0).replace("'", "''") + "'; or ROLLBACK PREPARED '"
                                + r.get(0).replace("'", "''") + "'; (as role " + r.get(1) + ", in database "
                                + r.get(2) + ")"));
            }
        });
        return out;
    }

    private static void slotFinding(List<Finding> found, String check, String setting, long max, long used,
                                    String what, boolean rds) {
        long free = max - used;
        String where = rds ? " (RDS/Aurora: " + setting + " in the parameter group, then reboot)" : "; then restart PostgreSQL";
        String fix = "ALTER SYSTEM SET " + setting + " = " + (used + SLOTS_RECOMMENDED) + where;
        if (free < 1) {
            found.add(Finding.blocker(check, setting, setting + " is " + max + " and " + used + " are in use: the task "
                    + "needs 1 free, and " + SLOTS_RECOMMENDED + " to reload or resume a table while it runs", fix));
        } else if (free < SLOTS_RECOMMENDED) {
            found.add(Finding.warning(check, setting, "only " + free + " of " + max + " " + what + " are free: the task "
                    + "needs 1, and " + SLOTS_RECOMMENDED + " to reload or resume a table while it runs", fix));
        }
    }

    private static void walKeepSize(List<Finding> found, Connection c, long sourceBytes) throws SQLException {
        long raw = number(c, "SELECT setting::bigint FROM pg_settings WHERE name = 'max_slot_wal_keep_size'");
        if (raw < 0) {
            found.add(Finding.warning("source.max_slot_wal_keep_size", "max_slot_wal_keep_size",
                    "max_slot_wal_keep_size is -1 (unlimited): while the task is stopped or behind, its slot keeps "
                            + "every WAL segment, and the source's disk can fill up",
                    "watch the slot's retained WAL (pg_replication_slots), or set a limit larger than the WAL the "
                            + "source writes during the full load: ALTER SYSTEM SET max_slot_wal_keep_size = '50GB'; "
                            + "SELECT pg_reload_conf();"));
            return;
        }
        long bytes = raw << 20;
        long needed = Math.max(MIN_SLOT_WAL_KEEP, sourceBytes);
        if (bytes < needed) {
            found.add(Finding.warning("source.max_slot_wal_keep_size", "max_slot_wal_keep_size",
                    "max_slot_wal_keep_size is " + Sizes.human(bytes) + ", less than " + Sizes.human(needed)
                            + " (the selected tables' size, at least 1 GB): if the source writes more WAL than that "
                            + "during the full load, PostgreSQL invalidates the slot and the task must start over",
                    "ALTER SYSTEM SET max_slot_wal_keep_size = '" + Math.max(2, 2 * needed / (1L << 30)) + "GB'; "
                            + "SELECT pg_reload_conf(); (RDS/Aurora: in the parameter group)"));
        }
    }
}
