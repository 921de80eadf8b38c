package dev.godwit.orchestrator.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.rules.MappingProblem;
import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.copy.CopyUnit;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints a plan for people (aligned text) or for tools (JSON). */
public final class PlanPrinter {

    public void printText(Plan plan, PrintWriter out) {
        out.printf("Plan for task %s: %s (PostgreSQL %s) → %s%n", plan.task().name(), plan.task().source().redacted(),
                plan.catalog().serverVersion(), plan.task().target().redacted());
        out.println();
        for (PlannedTable t : plan.tables()) {
            TableMapping m = t.mapping();
            out.printf("%s → %s%n", display(m.source().schema(), m.source().name()), display(m.targetSchema(), m.targetName()));
            out.printf("  %s, %s, %s%s%n", describeKind(t), rows(t), Sizes.human(t.sizeBytes()),
                    m.loadOrder() != 0 ? ", load order " + m.loadOrder() : "");
            out.printf("  key: %s; replica identity: %s; CDC: %s%n", key(t), replicaIdentity(t.source()), t.cdc().description());
            out.printf("  copy: %s%n", describeUnits(t));
            int width = m.columns().stream().mapToInt(c -> label(c).length()).max().orElse(0);
            for (ColumnMapping c : m.columns()) {
                out.printf("    %-" + width + "s  →  %s %s%s%n", label(c), quoteIfNeeded(c.targetName()), c.targetType(), flags(c));
            }
            m.sourceFilterSql().ifPresent(f -> out.println("  filter: WHERE " + f));
            if (!m.appliedRules().isEmpty()) {
                out.println("  rules: " + String.join(", ", m.appliedRules()));
            }
            for (String note : t.notes()) {
                out.println("  note: " + note);
            }
            out.println();
        }
        out.printf("Totals: %s, %s, %s, %s%n", Counts.of(plan.tables().size(), "table"),
                Counts.of(plan.schedule().size(), "copy unit"), totalRows(plan), Sizes.human(plan.sizeBytes()));
        out.println();
        List<MigrationStep> steps = MigrationStep.of(plan.task().type());
        out.printf("Steps of a %s task (the log numbers them the same way):%n", plan.task().type().spelling());
        for (int i = 0; i < steps.size(); i++) {
            out.printf("  STEP %d/%d %s%n", i + 1, steps.size(), steps.get(i).label());
        }
        out.println();
        out.printf("Target schema: %s (plan --json lists each one and its step)%n",
                Counts.of(plan.objects().size(), "statement"));
        if (!plan.notMigrated().isEmpty()) {
            out.println();
            out.println("Not migrated:");
            for (NotMigrated n : plan.notMigrated()) {
                out.println("  - " + n);
            }
        }
        if (!plan.warnings().isEmpty()) {
            out.println();
            out.println("Warnings:");
            for (MappingProblem w : plan.warnings()) {
                out.println("  - " + w);
            }
        }
        out.flush();
    }

    public void printJson(Plan plan, PrintWriter out) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("task", plan.task().name());
        doc.put("source", plan.task().source().redacted());
        doc.put("sourceVersion", plan.catalog().serverVersion());
        doc.put("target", plan.task().target().redacted());
        List<Map<String, Object>> tables = new ArrayList<>();
        for (PlannedTable t : plan.tables()) {
            TableMapping m = t.mapping();
            Map<String, Object> table = new LinkedHashMap<>();
            table.put("source", Map.of("schema", m.source().schema(), "name", m.source().name()));
            table.put("target", Map.of("schema", m.targetSchema(), "name", m.targetName()));
            table.put("kind", t.source().kind().name().toLowerCase(Locale.ROOT));
            table.put("estimatedRows", t.rowsKnown() ? t.estimatedRows() : null);
            table.put("sizeBytes", t.sizeBytes());
            table.put("loadOrder", m.loadOrder());
            table.put("partitionRule", ruleName(m.partitionRule()));
            table.put("partitions", t.partitions().stream().map(p -> p.schema() + "." + p.name()).toList());
            table.put("primaryKey", t.source().primaryKey().map(pk -> pk.columns()).orElse(null));
            table.put("replicaIdentity", replicaIdentity(t.source()));
            table.put("cdc", t.cdc().name().toLowerCase(Locale.ROOT));
            table.put("units", t.units().stream().map(u -> {
                Map<String, Object> unit = new LinkedHashMap<>();
                unit.put("id", u.id());
                unit.put("relation", u.sourceSchema() + "." + u.sourceName());
                unit.put("kind", u.kind().name().toLowerCase(Locale.ROOT));
                unit.put("predicate", u.rangePredicate().orElse(null));
                unit.put("estimatedBytes", u.estimatedBytes());
                return unit;
            }).toList());
            table.put("notes", t.notes());
            List<Map<String, Object>> columns = new ArrayList<>();
            for (ColumnMapping c : m.columns()) {
                Map<String, Object> col = new LinkedHashMap<>();
                col.put("source", c.sourceName());
                col.put("sourceType", c.sourceType());
                col.put("target", c.targetName());
                col.put("targetType", c.targetType());
                col.put("expression", c.selectExpression());
                col.put("typeChanged", c.typeChanged());
                col.put("lossy", c.lossy());
                columns.add(col);
            }
            table.put("columns", columns);
            table.put("filter", m.sourceFilterSql().orElse(null));
            table.put("rules", m.appliedRules());
            tables.add(table);
        }
        doc.put("tables", tables);
        doc.put("totals", Map.of("tables", plan.tables().size(), "units", plan.schedule().size(),
                "estimatedRows", plan.estimatedRows(), "sizeBytes", plan.sizeBytes()));
        doc.put("steps", MigrationStep.of(plan.task().type()).stream().map(MigrationStep::label).toList());
        doc.put("objects", plan.objects().stream().map(o -> Map.of("object", o.object(), "when", o.when())).toList());
        doc.put("notMigrated", plan.notMigrated().stream()
                .map(n -> Map.of("object", n.object(), "reason", n.reason())).toList());
        doc.put("warnings", plan.warnings().stream().map(MappingProblem::toString).toList());
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the plan as JSON", e);
        }
        out.flush();
    }

    private static String rows(PlannedTable t) {
        if (t.rowsKnown()) {
            return "~" + grouped(t.estimatedRows()) + " rows";
        }
        boolean stored = t.source().kind() != TableKind.VIEW && t.source().kind() != TableKind.FOREIGN;
        return stored ? "rows unknown (not analysed)" : "rows unknown";
    }

    private static String totalRows(Plan plan) {
        long unknown = plan.tables().stream().filter(t -> !t.rowsKnown()).count();
        if (unknown == 0) {
            return "~" + grouped(plan.estimatedRows()) + " rows";
        }
        if (unknown == plan.tables().size()) {
            return "rows unknown";
        }
        return "~" + grouped(plan.estimatedRows()) + " rows (and " + Counts.of(unknown, "table") + " whose rows are unknown)";
    }

    private static String describeKind(PlannedTable t) {
        Table s = t.source();
        return switch (s.kind()) {
            case PARTITIONED -> "partitioned table (" + Counts.of(t.partitions().size(), "partition") + ", "
                    + ruleName(t.mapping().partitionRule()) + ")";
            case VIEW -> "view (copied once as a table, not replicated)";
            case MATERIALIZED_VIEW -> "materialized view (copied once as a table, not replicated)";
            case FOREIGN -> "foreign table";
            case TABLE -> s.isPartition() ? "partition, copied as a table of its own" : "table";
        };
    }

    private static String key(PlannedTable t) {
        return t.mapping().definedPrimaryKey().map(pk -> "defined by a rule " + pk)
                .or(() -> t.source().primaryKey().map(pk -> "primary key (" + String.join(", ", pk.columns()) + ")"))
                .orElse("none");
    }

    private static String replicaIdentity(Table table) {
        return switch (table.replicaIdentity()) {
            case DEFAULT -> table.primaryKey().isPresent() ? "default (primary key)" : "default, but no primary key";
            case INDEX -> "index " + table.replicaIdentityIndex().orElse("?");
            case FULL -> "full";
            case NOTHING -> "nothing";
        };
    }

    private static String describeUnits(PlannedTable t) {
        List<CopyUnit> units = t.units();
        if (units.size() == 1 && units.get(0).kind() == CopyUnit.Kind.WHOLE) {
            return "one unit";
        }
        Map<CopyUnit.Kind, Long> kinds = new java.util.TreeMap<>();
        units.forEach(u -> kinds.merge(u.kind(), 1L, Long::sum));
        StringBuilder text = new StringBuilder(units.size() + " units in parallel (");
        kinds.forEach((k, n) -> text.append(n).append(' ').append(switch (k) {
            case WHOLE -> t.isPartitioned() ? "whole partitions" : "whole";
            case CTID_RANGE -> "block ranges";
            case KEY_RANGE -> "key ranges";
            case DMS_RANGE -> "parallel-load ranges";
        }).append(", "));
        text.setLength(text.length() - 2);
        return text.append(')').toString();
    }

    static String ruleName(PartitionRule rule) {
        if (rule instanceof PartitionRule.Repartition r) {
            return "repartition " + r.strategy();
        }
        return rule instanceof PartitionRule.Merge ? "merge" : "keep";
    }

    private static String label(ColumnMapping c) {
        return c.added() ? "(added) " + c.selectExpression() : quoteIfNeeded(c.sourceName()) + " " + c.sourceType();
    }

    private static String flags(ColumnMapping c) {
        if (c.lossy()) {
            return "   [type changed, LOSSY: allowed by allowLossyTypeChanges]";
        }
        return c.typeChanged() ? "   [type changed]" : "";
    }

    private static String display(String schema, String name) {
        return quoteIfNeeded(schema) + "." + quoteIfNeeded(name);
    }

    /** Names are shown bare when that is unambiguous, quoted when case or characters would need it in SQL. */
    static String quoteIfNeeded(String name) {
        return name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
