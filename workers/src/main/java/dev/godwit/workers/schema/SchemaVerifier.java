package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.rules.PrimaryKeyDefinition;
import dev.godwit.workers.catalog.CatalogReader;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.Constraint;
import dev.godwit.workers.catalog.ConstraintType;
import dev.godwit.workers.catalog.Index;
import dev.godwit.workers.catalog.PrimaryKey;
import dev.godwit.workers.catalog.ReplicaIdentity;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the target back and compares it with what the mappings say it should be: tables, columns (name, type, NOT
 * NULL), primary-key columns, index count, constraint definitions (modulo schema and column renames), partitions
 * and their bounds. An empty list means the target matches.
 */
public final class SchemaVerifier {
    private SchemaVerifier() {
    }

    public static List<String> verify(Connection target, SourceCatalog source, List<TargetTableSpec> specs,
                                      DdlWriter.Options options) throws SQLException {
        return verify(new CatalogReader(target).read(), source, specs, options);
    }

    public static List<String> verify(SourceCatalog target, SourceCatalog source, List<TargetTableSpec> specs,
                                      DdlWriter.Options options) {
        List<String> out = new ArrayList<>();
        TypeDdl types = new TypeDdl(source, options);
        Set<String> extensionSchemas = source.extensions().stream().map(e -> e.schema()).collect(Collectors.toSet());
        Function<String, String> schemas = s -> extensionSchemas.contains(s) ? s : options.schemaMapping().apply(s);
        for (TargetTableSpec spec : specs) {
            String name = spec.targetKey();
            Optional<Table> found = target.table(spec.mapping().targetSchema(), spec.mapping().targetName());
            if (found.isEmpty()) {
                out.add(name + ": missing on the target");
                continue;
            }
            Table t = found.get();
            Table s = spec.source();
            PartitionRule rule = spec.mapping().partitionRule();
            Map<String, String> columnMap = columnMap(spec);
            List<String> targetPk = expectedPrimaryKey(spec, columnMap);
            columns(spec, t, types, targetPk, out);
            List<String> actualPk = t.primaryKey().map(PrimaryKey::columns).orElse(List.of());
            if (!actualPk.equals(targetPk)) {
                out.add(name + ": primary key " + actualPk + ", expected " + targetPk);
            }
            long expectedIndexes = s.indexes().stream().filter(i -> !i.inheritedFromParent() && i.valid())
                    .filter(i -> SqlRewriter.rewrite(i.definition(), schemas, columnMap, x -> x)
                            .removedColumns().isEmpty())
                    .count();
            if (spec.mapping().definedPrimaryKey().isPresent()) {
                expectedIndexes += 1 - (s.primaryKey().isPresent() ? 1 : 0);
            }
            long actualIndexes = t.indexes().stream().filter(i -> !i.inheritedFromParent()).count();
            if (expectedIndexes != actualIndexes) {
                out.add(name + ": " + actualIndexes + " indexes, expected " + expectedIndexes + " (target has "
                        + t.indexes().stream().map(Index::name).toList() + ")");
            }
            foreignKeyTargets(target, specs, spec, t, out);
            if (spec.mapping().definedPrimaryKey().isEmpty()) {
                Set<String> expected = constraints(s, schemas, columnMap, true);
                Set<String> actual = constraints(t, x -> x, Map.of(), false);
                if (!expected.equals(actual)) {
                    out.add(name + ": constraints " + actual + ", expected " + expected);
                }
            }
            boolean keptPartitioned = s.kind() == TableKind.PARTITIONED && rule instanceof PartitionRule.Keep;
            boolean partitioned = keptPartitioned || rule instanceof PartitionRule.Repartition;
            if ((t.kind() == TableKind.PARTITIONED) != partitioned) {
                out.add(name + ": is " + t.kind() + ", expected " + (partitioned ? "PARTITIONED" : "TABLE"));
            }
            if (keptPartitioned) {
                String key = SqlRewriter.rewrite(s.partitionKey().orElse(""), schemas, columnMap, x -> x).text();
                if (!normal(key).equals(normal(t.partitionKey().orElse("")))) {
                    out.add(name + ": partition key " + t.partitionKey().orElse("") + ", expected " + key);
                }
                for (Table p : spec.partitions()) {
                    String pSchema = p.schema().equals(s.schema()) ? spec.mapping().targetSchema()
                            : options.schemaMapping().apply(p.schema());
                    Optional<Table> tp = target.table(pSchema, p.name());
                    if (tp.isEmpty()) {
                        out.add(name + ": partition " + pSchema + "." + p.name() + " missing");
                    } else if (!tp.get().partitionBound().equals(p.partitionBound())) {
                        out.add(name + ": partition " + pSchema + "." + p.name() + " bound "
                                + tp.get().partitionBound().orElse("") + ", expected " + p.partitionBound().orElse(""));
                    } else if (!tp.get().partitionKey().map(SchemaVerifier::normal).equals(p.partitionKey()
                            .map(k -> normal(SqlRewriter.rewrite(k, schemas, columnMap, x -> x).text())))) {
                        out.add(name + ": partition " + pSchema + "." + p.name() + " key "
                                + tp.get().partitionKey().orElse("") + ", expected " + p.partitionKey().orElse(""));
                    }
                }
                long actualPartitions = target.tables().stream().filter(x -> x.isPartition()
                        && isBelow(target, x, t)).count();
                if (actualPartitions != spec.partitions().size()) {
                    out.add(name + ": " + actualPartitions + " partitions, expected " + spec.partitions().size());
                }
            }
            if (t.inheritanceParentOids().size() != s.inheritanceParentOids().size()) {
                out.add(name + ": " + t.inheritanceParentOids().size() + " inheritance parents, expected "
                        + s.inheritanceParentOids().size());
            }
            ReplicaIdentity expectedIdentity = s.kind() == TableKind.TABLE || s.kind() == TableKind.PARTITIONED
                    ? s.replicaIdentity() : ReplicaIdentity.DEFAULT;
            if (t.replicaIdentity() != expectedIdentity) {
                out.add(name + ": replica identity " + t.replicaIdentity() + ", expected " + expectedIdentity);
            }
        }
        return out;
    }

    /** Each foreign key of the target references the target of the table its source foreign key references. */
    private static void foreignKeyTargets(SourceCatalog target, List<TargetTableSpec> specs, TargetTableSpec spec,
                                          Table t, List<String> out) {
        for (Constraint c : spec.source().constraints()) {
            if (c.type() != ConstraintType.FOREIGN_KEY || c.inherited()) {
                continue;
            }
            Optional<TargetTableSpec> referenced = specs.stream()
                    .filter(x -> x.source().oid() == c.referencedTableOid().orElse(-1)).findFirst();
            Optional<Constraint> actual = t.constraint(c.name());
            if (referenced.isEmpty() || actual.isEmpty()) {
                continue;
            }
            Optional<Table> actualReferenced = target.tableByOid(actual.get().referencedTableOid().orElse(-1));
            String expected = referenced.get().targetKey();
            String found = actualReferenced.map(x -> x.schema() + "." + x.name()).orElse("nothing");
            if (!expected.equals(found)) {
                out.add(spec.targetKey() + ": foreign key " + c.name() + " references " + found + ", expected "
                        + expected);
            }
        }
    }

    private static boolean isBelow(SourceCatalog catalog, Table table, Table root) {
        Optional<Table> current = Optional.of(table);
        while (current.isPresent() && current.get().partitionParentOid().isPresent()) {
            long parent = current.get().partitionParentOid().getAsLong();
            if (parent == root.oid()) {
                return true;
            }
            current = catalog.tableByOid(parent);
        }
        return false;
    }

    private static void columns(TargetTableSpec spec, Table t, TypeDdl types, List<String> pk, List<String> out) {
        List<String> expectedNames = spec.mapping().columns().stream().map(ColumnMapping::targetName).toList();
        List<String> actualNames = t.columns().stream().map(Column::name).toList();
        if (!expectedNames.equals(actualNames)) {
            out.add(spec.targetKey() + ": columns " + actualNames + ", expected " + expectedNames);
            return;
        }
        for (ColumnMapping cm : spec.mapping().columns()) {
            Column actual = t.column(cm.targetName()).orElseThrow();
            Optional<Column> src = cm.added() ? Optional.empty() : spec.source().column(cm.sourceName());
            String expectedType = src.isPresent() && !cm.typeChanged() ? types.use(src.get().type())
                    : types.use(cm.targetType());
            if (!TypeNames.same(expectedType, actual.type())) {
                out.add(spec.targetKey() + "." + cm.targetName() + ": type " + actual.type() + ", expected "
                        + expectedType);
            }
            boolean expectedNotNull = src.map(Column::notNull).orElse(false) || pk.contains(cm.targetName());
            if (actual.notNull() != expectedNotNull) {
                out.add(spec.targetKey() + "." + cm.targetName() + ": NOT NULL " + actual.notNull() + ", expected "
                        + expectedNotNull);
            }
        }
    }

    private static List<String> expectedPrimaryKey(TargetTableSpec spec, Map<String, String> columnMap) {
        Optional<PrimaryKeyDefinition> defined = spec.mapping().definedPrimaryKey();
        if (defined.isPresent()) {
            return defined.get().origin() == PrimaryKeyDefinition.Origin.PRIMARY_KEY ? defined.get().columns()
                    : List.of();
        }
        List<String> pk = spec.source().primaryKey().map(PrimaryKey::columns).orElse(List.of());
        if (pk.stream().anyMatch(c -> columnMap.get(c) == null)) {
            return List.of();
        }
        return pk.stream().map(columnMap::get).toList();
    }

    /** {@code name: definition} of every constraint the table itself declares, normalised. */
    private static Set<String> constraints(Table t, Function<String, String> schemas, Map<String, String> columns,
                                           boolean rewrite) {
        Set<String> out = new TreeSet<>();
        for (Constraint c : t.constraints()) {
            if (c.inherited()) {
                continue;
            }
            String def = rewrite ? SqlRewriter.rewrite(c.definition(), schemas, columns, x -> x).text()
                    : c.definition();
            if (rewrite && c.type() != ConstraintType.FOREIGN_KEY && !SqlRewriter.rewrite(c.definition(), schemas,
                    columns, x -> x).removedColumns().isEmpty()) {
                continue;
            }
            if (c.type() == ConstraintType.FOREIGN_KEY) {
                // the referenced table is checked by foreignKeyTargets; its name may differ by a table rename
                def = def.replaceFirst(" REFERENCES (?:\"(?:[^\"]|\"\")*\"|[^(\"])+\\(", " REFERENCES (");
            }
            out.add(c.name() + ": " + normal(def));
        }
        return out;
    }

    /** Identifiers quoted only where they must be, and no double spaces: two printings of one thing compare equal. */
    static String normal(String sql) {
        return sql.replaceAll("\"([a-z_][a-z0-9_$]*)\"", "$1").replaceAll("\\s+", " ").trim();
    }

    private static Map<String, String> columnMap(TargetTableSpec spec) {
        Map<String, String> out = new LinkedHashMap<>();
        spec.source().columns().forEach(c -> out.put(c.name(), null));
        spec.mapping().columns().stream().filter(c -> !c.added()).forEach(c -> out.put(c.sourceName(),
                c.targetName()));
        return out;
    }
}
