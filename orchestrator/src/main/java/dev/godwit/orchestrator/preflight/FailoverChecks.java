package dev.godwit.orchestrator.preflight;

import dev.godwit.workers.pg.SnapshotSlot;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.godwit.orchestrator.preflight.PreflightContext.rows;
import static dev.godwit.orchestrator.preflight.PreflightContext.setting;

/**
 * What a failover slot ({@code settings.slot.failover}) needs on the source: PostgreSQL 17 or later, a physical slot
 * through which a standby streams, and that slot named in {@code synchronized_standby_slots}, so that godwit never
 * receives a change the standby has not flushed. What the standby itself must run ({@code sync_replication_slots},
 * {@code hot_standby_feedback}, a {@code primary_conninfo} with a dbname) cannot be read from the primary; the
 * findings say so in their fixes, and docs/operating.md lists it.
 */
final class FailoverChecks extends CheckGroup {
    private static final String STANDBY_NEEDS = "on the standby: primary_slot_name = that slot, hot_standby_feedback = on,"
            + " sync_replication_slots = on, wal_level = logical, and a primary_conninfo that names a dbname";

    @Override
    List<Finding> run(PreflightContext ctx) {
        List<Finding> out = new ArrayList<>();
        if (!ctx.cdc() || !ctx.task().settings().slot().failover()) {
            return out;
        }
        int major = ctx.catalog().majorVersion();
        if (major < SnapshotSlot.FAILOVER_SINCE) {
            out.add(Finding.blocker("source.failover_version", "settings.slot.failover",
                    "the source runs PostgreSQL " + major + ": failover slots need PostgreSQL "
                            + SnapshotSlot.FAILOVER_SINCE + " or later, so the slot cannot follow a failover",
                    "remove settings.slot.failover from the task, or migrate from a PostgreSQL 17+ source"));
            return out;
        }
        Connection c = ctx.source();
        attempt(out, "source.failover_standby_slots", "synchronized_standby_slots", found -> standbySlots(found, c));
        return out;
    }

    private static void standbySlots(List<Finding> found, Connection c) throws SQLException {
        List<List<String>> physical = rows(c, """
                SELECT slot_name::text, active::text FROM pg_replication_slots
                 WHERE slot_type = 'physical' ORDER BY slot_name""");
        List<String> named = Arrays.stream(setting(c, "synchronized_standby_slots").orElse("").split(","))
                .map(String::trim).map(FailoverChecks::unquote).filter(s -> !s.isEmpty()).toList();
        if (physical.isEmpty()) {
            found.add(Finding.warning("source.failover_standby_slots", "pg_replication_slots",
                    "the source has no physical replication slot: no standby can keep a synchronised copy of the"
                            + " task's slot, so after a failover the promoted standby has no slot to resume from"
                            + " (the task must start over)",
                    "SELECT pg_create_physical_replication_slot('standby1'); then " + STANDBY_NEEDS
                            + "; on the source: ALTER SYSTEM SET synchronized_standby_slots = 'standby1';"
                            + " SELECT pg_reload_conf();"));
            return;
        }
        List<String> names = physical.stream().map(r -> r.get(0)).toList();
        if (named.isEmpty()) {
            found.add(Finding.warning("source.failover_standby_slots", "synchronized_standby_slots",
                    "synchronized_standby_slots is empty: godwit may receive and apply changes before the standby"
                            + " has them, so after a failover the target can hold transactions the promoted standby"
                            + " never received, and the standby's copy of the slot can lag behind the target"
                            + " (or be missing, if it was not yet synchronised)",
                    "ALTER SYSTEM SET synchronized_standby_slots = '" + String.join(", ", names)
                            + "'; SELECT pg_reload_conf(); (the physical slots of the standbys that may be promoted;"
                            + " " + STANDBY_NEEDS + ")"));
            return;
        }
        for (String slot : named) {
            List<String> row = physical.stream().filter(r -> r.get(0).equals(slot)).findFirst().orElse(null);
            if (row == null) {
                found.add(Finding.warning("source.failover_standby_slots", "synchronized_standby_slots",
                        "synchronized_standby_slots names '" + slot + "', which is not a physical slot on the source:"
                                + " PostgreSQL holds every change back from godwit until it exists and its standby"
                                + " has flushed the change, so CDC waits",
                        "SELECT pg_create_physical_replication_slot('" + slot.replace("'", "''")
                                + "'); and point the standby at it, or remove it from synchronized_standby_slots"));
            } else if (!Boolean.parseBoolean(row.get(1))) {
                found.add(Finding.warning("source.failover_standby_slots", "physical slot " + slot,
                        "no standby is streaming through physical slot '" + slot + "' (named in"
                                + " synchronized_standby_slots): PostgreSQL holds every change back from godwit until"
                                + " the standby is back and has flushed it, so CDC waits",
                        "start the standby (" + STANDBY_NEEDS + "), or remove '" + slot
                                + "' from synchronized_standby_slots"));
            }
        }
    }

    /** A name in the list may be written as a quoted identifier. */
    private static String unquote(String name) {
        return name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")
                ? name.substring(1, name.length() - 1).replace("\"\"", "\"") : name;
    }
}
