package dev.godwit.orchestrator.plan;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.Task;
import dev.godwit.mappings.task.TargetTablePrepMode;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.schema.AccessRoles;
import dev.godwit.workers.schema.DdlWriter;
import dev.godwit.workers.schema.SchemaScript;
import dev.godwit.workers.schema.RangeBounds;
import dev.godwit.workers.schema.TargetTableSpec;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A plan together with what the target schema is written from: each planned table with the partitions below it, and
 * the DDL options (where types and sequences go, the bounds of a table repartitioned by range).
 */
public record SchemaPlan(Plan plan, List<TargetTableSpec> specs, DdlWriter.Options options) {

    /** Plans {@code task} against the source catalog read through {@code source}. */
    public static SchemaPlan read(Task task, Connection source) throws SQLException {
        Plan plan = Planner.forSource(task, source);
        List<TargetTableSpec> specs = specs(plan);
        DdlWriter.Options options = options(plan);
        for (PlannedTable t : plan.tables()) {
            if (t.mapping().partitionRule() instanceof PartitionRule.Repartition r
                    && r.strategy() instanceof PartitionRule.Range range) {
                options = options.withRangeBounds(t.mapping().targetKey(), bounds(source, t.source(), range.column()));
            }
        }
        return new SchemaPlan(plan, specs, options);
    }

    /**
     * This plan with only the tables {@code keys} names ({@code schema.name} on the target), and the DDL written for
     * them alone: the task's recorded tables, when the source has gained tables since the task was planned.
     */
    public SchemaPlan restrictedTo(Set<String> keys) {
        return new SchemaPlan(plan.restrictedTo(keys), specs.stream().filter(s -> keys.contains(s.mapping().targetKey())).toList(),
                options);
    }

    /** The tables of this plan that {@code keys} does not name. */
    public List<PlannedTable> tablesBeyond(Set<String> keys) {
        return plan.tables().stream().filter(t -> !keys.contains(t.mapping().targetKey())).toList();
    }

    /** What the target schema of a plan will hold, statement by statement, and what it will not, with why. */
    record Objects(List<PlannedObject> created, List<NotMigrated> notMigrated) {
    }

    /**
     * The target schema's statements and the objects of the selected schemas it will not have (a C function, a view
     * of a renamed table, an event trigger, …), each with why: the DDL is written for the plan alone, to ask it.
     */
    static Objects objects(Plan plan) {
        SchemaScript script = new SchemaPlan(plan, specs(plan), options(plan)).script();
        List<PlannedObject> created = new ArrayList<>();
        script.preData().forEach(s -> created.add(new PlannedObject(s.description(), PlannedObject.preData())));
        script.postData().stream().sorted(Comparator.comparingInt(SchemaScript.Group::phase))
                .forEach(g -> g.statements().forEach(s -> created.add(new PlannedObject(s.description(),
                        PlannedObject.postData(g.phase())))));
        List<NotMigrated> out = new ArrayList<>();
        if (plan.task().settings().targetTablePrepMode() != TargetTablePrepMode.DROP_AND_CREATE) {
            out.add(new NotMigrated("functions, views, triggers, rules, policies and the other objects of the"
                    + " selected schemas", "targetTablePrepMode " + plan.task().settings().targetTablePrepMode()
                    + " keeps what the target has; DROP_AND_CREATE creates them"));
        } else {
            script.notCreated().forEach(n -> out.add(new NotMigrated(n.object(), n.reason())));
        }
        return new Objects(created, out);
    }

    /**
     * The target schema's DDL as the full load runs it: only DROP_AND_CREATE creates the objects around the tables
     * (TargetPrep keeps what the target has otherwise), so the post-data must agree.
     */
    public SchemaScript script() {
        return DdlWriter.write(plan.catalog(), specs, scriptOptions(plan, options));
    }

    /**
     * The roles the target schema's grants and owners name ({@code settings.privileges}, {@code settings.ownership}):
     * none when the target keeps its own objects (a prep mode other than DROP_AND_CREATE).
     */
    public static AccessRoles accessRoles(Plan plan) {
        return DdlWriter.roles(plan.catalog(), specs(plan), scriptOptions(plan, options(plan)));
    }

    private static DdlWriter.Options scriptOptions(Plan plan, DdlWriter.Options options) {
        return plan.task().settings().targetTablePrepMode() == TargetTablePrepMode.DROP_AND_CREATE
                ? options : options.withoutSchemaObjects();
    }

    private static List<TargetTableSpec> specs(Plan plan) {
        return plan.tables().stream()
                .map(t -> new TargetTableSpec(t.source(), t.mapping(), partitionsBelow(t.source(), plan.catalog())))
                .toList();
    }

    private static DdlWriter.Options options(Plan plan) {
        return DdlWriter.Options.defaults().withSchemaMapping(schemaMapping(plan))
                .withSelectionRules(plan.task().tableMappings().selectionRules())
                .withAccess(plan.task().settings().access());
    }

    /** The target schema of a source schema's types and sequences (see {@link #schemaMapping}). */
    public String targetSchema(String sourceSchema) {
        return options.schemaMapping().apply(sourceSchema);
    }

    /** The source schemas the selected tables are in: the schemas whose sequences and types go with them. */
    public Set<String> sourceSchemas() {
        Set<String> schemas = new TreeSet<>();
        plan.tables().forEach(t -> schemas.add(t.source().schema()));
        return schemas;
    }

    /** Every relation below a partitioned table: intermediate partitioned tables and leaves, parents first. */
    private static List<Table> partitionsBelow(Table table, SourceCatalog catalog) {
        List<Table> out = new ArrayList<>();
        if (table.kind() != TableKind.PARTITIONED) {
            return out;
        }
        for (Table child : catalog.children(table)) {
            if (child.isPartition()) {
                out.add(child);
                out.addAll(partitionsBelow(child, catalog));
            }
        }
        return out;
    }

    /** Where each source schema's types and sequences go: the target schema its tables go to, when they agree. */
    private static Function<String, String> schemaMapping(Plan plan) {
        Map<String, Set<String>> targets = new HashMap<>();
        for (PlannedTable t : plan.tables()) {
            targets.computeIfAbsent(t.source().schema(), k -> new TreeSet<>()).add(t.mapping().targetSchema());
        }
        return schema -> {
            Set<String> t = targets.get(schema);
            return t != null && t.size() == 1 ? t.iterator().next() : schema;
        };
    }

    private static RangeBounds bounds(Connection c, Table table, String column) throws SQLException {
        String col = SqlText.identifier(column);
        try (PreparedStatement ps = c.prepareStatement("SELECT min(" + col + ")::text, max(" + col + ")::text FROM ONLY "
                + SqlText.qualified(table.schema(), table.name()));
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new RangeBounds(rs.getString(1), rs.getString(2));
        }
    }
}
