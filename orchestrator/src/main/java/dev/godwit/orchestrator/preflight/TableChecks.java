package dev.godwit.orchestrator.preflight;

import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.orchestrator.plan.PlannedTable;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.godwit.orchestrator.preflight.PreflightContext.quote;

/**
 * The selected tables themselves, from the catalog the plan was made from: replica identity, unlogged tables, large
 * objects, and names that differ only by case. Needs no query of its own.
 */
final class TableChecks extends CheckGroup {

    @Override
    List<Finding> run(PreflightContext ctx) {
        List<Finding> out = new ArrayList<>();
        for (Table t : ctx.replicatedRelations()) {
            if (ctx.cdc() && !t.unlogged() && !t.usableReplicaIdentity()) {
                out.add(Finding.blocker("table.replica_identity", t.qualifiedName(),
                        t.qualifiedName() + " has no primary key and no usable replica identity (REPLICA IDENTITY "
                                + t.replicaIdentity() + "): once it is published, its UPDATEs and DELETEs fail on the source",
                        "ALTER TABLE " + t.qualifiedName() + " REPLICA IDENTITY FULL; (or add a primary key: ALTER TABLE "
                                + t.qualifiedName() + " ADD PRIMARY KEY (…);) — preflight --fix does the former"));
            }
            if (ctx.cdc() && t.unlogged()) {
                out.add(Finding.warning("table.unlogged", t.qualifiedName(),
                        t.qualifiedName() + " is UNLOGGED: its changes are not written to WAL, so none is streamed; it "
                                + "is copied in the full load and again inside the cutover, after the source's last "
                                + "change was applied. Until the cutover the target holds its rows as of the full load",
                        "cut over with 'godwit cutover --fence' (or stop the application first), so nothing is written "
                                + "to it between its last copy and the switch; or ALTER TABLE " + t.qualifiedName()
                                + " SET LOGGED; to stream its changes (rewrites the table)"));
            }
        }
        for (Table t : ctx.sourceRelations()) {
            if (t.hasLargeObjectColumns()) {
                String columns = t.columns().stream().filter(Column::largeObject).map(c -> quote(c.name()))
                        .collect(Collectors.joining(", "));
                out.add(Finding.warning("table.large_objects", t.qualifiedName(),
                        t.qualifiedName() + " has large-object column(s) " + columns + ": the large objects they name"
                                + " are copied at the end of the full load and reconciled at cutover (logical decoding"
                                + " does not carry them), so until the cutover the target may lack new ones",
                        "nothing to do unless the source role may not read them: it needs SELECT on each large object"
                                + " (its owner, GRANT SELECT ON LARGE OBJECT …, or lo_compat_privileges = on)"));
            }
        }
        caseOnlyTableNames(out, ctx);
        for (PlannedTable t : ctx.plan().tables()) {
            caseOnlyColumnNames(out, t.mapping());
        }
        return out;
    }

    private static void caseOnlyTableNames(List<Finding> out, PreflightContext ctx) {
        Map<String, List<TableMapping>> folded = new LinkedHashMap<>();
        for (PlannedTable t : ctx.plan().tables()) {
            TableMapping m = t.mapping();
            folded.computeIfAbsent(m.targetSchema().toLowerCase(Locale.ROOT) + "." + m.targetName().toLowerCase(Locale.ROOT),
                    k -> new ArrayList<>()).add(m);
        }
        for (List<TableMapping> group : folded.values()) {
            if (group.size() > 1) {
                String names = group.stream().map(m -> quote(m.targetSchema()) + "." + quote(m.targetName()))
                        .collect(Collectors.joining(", "));
                out.add(Finding.warning("table.case_only_names", names,
                        "target tables " + names + " differ only by case: both are created with quoted names, but "
                                + "unquoted SQL and case-insensitive tools reach only the lower-case one",
                        "rename one with a transformation rule (rule-action rename), or quote the names everywhere"));
            }
        }
    }

    private static void caseOnlyColumnNames(List<Finding> out, TableMapping m) {
        Map<String, List<String>> folded = new LinkedHashMap<>();
        for (ColumnMapping c : m.columns()) {
            folded.computeIfAbsent(c.targetName().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(c.targetName());
        }
        String table = quote(m.targetSchema()) + "." + quote(m.targetName());
        for (List<String> group : folded.values()) {
            if (group.size() > 1) {
                String names = group.stream().map(PreflightContext::quote).collect(Collectors.joining(", "));
                out.add(Finding.warning("table.case_only_names", table + " columns " + names,
                        "columns " + names + " of " + table + " differ only by case: unquoted SQL and case-insensitive "
                                + "tools reach only the lower-case one",
                        "rename one with a transformation rule (rule-target column, rule-action rename)"));
            }
        }
    }
}
