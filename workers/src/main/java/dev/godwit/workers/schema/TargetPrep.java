package dev.godwit.workers.schema;

import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.TargetTablePrepMode;
import dev.godwit.workers.catalog.CatalogReader;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the target needs before the full load under a {@link TargetTablePrepMode}: drop and create, create what is
 * missing and truncate the rest, or create nothing and check that the existing tables fit the mappings.
 */
public final class TargetPrep {
    private TargetPrep() {
    }

    /**
     * @param script     the DDL to run (pre-data before the load, post-data after it)
     * @param mismatches for DO_NOTHING: every mapped table or column missing on the target or of an incompatible
     *                   type; the load must not start unless it is empty
     */
    public record Result(SchemaScript script, List<String> mismatches) {
        public Result {
            mismatches = List.copyOf(mismatches);
        }

        public boolean ready() {
            return mismatches.isEmpty();
        }
    }

    public static Result prepare(Connection target, TargetTablePrepMode mode, SourceCatalog source,
                                 List<TargetTableSpec> specs, DdlWriter.Options options) throws SQLException {
        SourceCatalog existing = new CatalogReader(target).read();
        return prepare(existing, mode, source, specs, options);
    }

    /** The same, from a catalog of the target already read. */
    public static Result prepare(SourceCatalog existing, TargetTablePrepMode mode, SourceCatalog source,
                                 List<TargetTableSpec> specs, DdlWriter.Options options) {
        List<TargetTableSpec> present = specs.stream().filter(s -> find(existing, s).isPresent()).toList();
        List<TargetTableSpec> missing = specs.stream().filter(s -> find(existing, s).isEmpty()).toList();
        DdlWriter.Options idempotent = options.withIdempotentTypes();
        switch (mode) {
            case DROP_AND_CREATE -> {
                SchemaScript script = DdlWriter.write(source, specs, idempotent);
                List<Statement> pre = new ArrayList<>();
                List<String> warnings = new ArrayList<>(script.warnings());
                for (TargetTableSpec s : present) {
                    String name = SqlText.qualified(s.mapping().targetSchema(), s.mapping().targetName());
                    pre.add(new Statement("drop " + name, "DROP TABLE IF EXISTS " + name + " CASCADE"));
                    warnings.add(name + ": dropped and created again (CASCADE also drops foreign keys and views of"
                            + " other tables that depend on it)");
                }
                pre.addAll(script.preData());
                return new Result(new SchemaScript(pre, script.postData(), warnings, script.notCreated()), List.of());
            }
            case TRUNCATE_BEFORE_LOAD -> {
                // a target prepared by its owner keeps its own functions, views, triggers and policies
                SchemaScript script = DdlWriter.write(source, missing, idempotent.withoutSchemaObjects());
                List<Statement> pre = new ArrayList<>(script.preData());
                List<String> warnings = new ArrayList<>(script.warnings());
                if (!present.isEmpty()) {
                    String names = present.stream().map(s -> SqlText.qualified(s.mapping().targetSchema(),
                            s.mapping().targetName())).collect(Collectors.joining(", "));
                    pre.add(new Statement("truncate " + present.size() + " existing table(s)", "TRUNCATE " + names));
                    warnings.add("kept the definitions of " + names + " as they are on the target; only emptied");
                }
                warnings.add("functions, views, triggers, policies and the other objects around the tables are not"
                        + " created (targetTablePrepMode TRUNCATE_BEFORE_LOAD keeps the target's own; DROP_AND_CREATE"
                        + " creates them)");
                return new Result(new SchemaScript(pre, script.postData(), warnings, script.notCreated()), List.of());
            }
            default -> {
                return new Result(new SchemaScript(List.of(), List.of(), List.of(), List.of()), check(existing, source, specs,
                        options));
            }
        }
    }

    private static Optional<Table> find(SourceCatalog existing, TargetTableSpec s) {
        return existing.table(s.mapping().targetSchema(), s.mapping().targetName());
    }

    private static List<String> check(SourceCatalog existing, SourceCatalog source, List<TargetTableSpec> specs,
                                      DdlWriter.Options options) {
        List<String> out = new ArrayList<>();
        TypeDdl types = new TypeDdl(source, options);
        for (TargetTableSpec spec : specs) {
            Optional<Table> table = find(existing, spec);
            if (table.isEmpty()) {
                out.add(spec.targetKey() + ": table missing on the target (TargetTablePrepMode DO_NOTHING creates"
                        + " nothing; create it or use TRUNCATE_BEFORE_LOAD)");
                continue;
            }
            for (ColumnMapping cm : spec.mapping().columns()) {
                Optional<Column> actual = table.get().column(cm.targetName());
                if (actual.isEmpty()) {
                    out.add(spec.targetKey() + "." + cm.targetName() + ": column missing on the target");
                    continue;
                }
                Optional<Column> src = cm.added() ? Optional.empty() : spec.source().column(cm.sourceName());
                String expected = src.isPresent() && !cm.typeChanged() ? types.use(src.get().type())
                        : types.use(cm.targetType());
                if (!TypeNames.same(expected, actual.get().type())) {
                    out.add(spec.targetKey() + "." + cm.targetName() + ": type " + actual.get().type()
                            + " on the target, the mapping needs " + expected);
                }
            }
            List<String> mapped = spec.mapping().columns().stream().map(ColumnMapping::targetName).toList();
            table.get().columns().stream()
                    .filter(c -> !mapped.contains(c.name()) && c.notNull() && c.defaultExpression().isEmpty()
                            && !c.isIdentity() && !c.isGenerated())
                    .forEach(c -> out.add(spec.targetKey() + "." + c.name() + ": NOT NULL without a default on the"
                            + " target but not filled by the mapping, so every row would fail"));
        }
        return out;
    }
}
