package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.rules.PrimaryKeyDefinition;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.Constraint;
import dev.godwit.workers.catalog.ConstraintType;
import dev.godwit.workers.catalog.Index;
import dev.godwit.workers.catalog.ReplicaIdentity;
import dev.godwit.workers.catalog.Sequence;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.schema.SchemaScript.Group;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes the target schema of a task: pre-data (schemas, extensions, types, sequences, tables and partitions) and
 * post-data (keys, indexes, constraints, replica identity), from the source catalog as the mappings transform it.
 * Everything it leaves out or degrades is named in {@link SchemaScript#warnings()}.
 */
public final class DdlWriter {
    private static final Pattern NEXTVAL = Pattern.compile("nextval\\('((?:[^']|'')+)'::regclass\\)");

    /**
     * @param schemaMapping    source schema to target schema, for types, sequences and partitions (tables take their
     *                         target schema from their mapping)
     * @param rangeBounds      min and max of the partition column of each range-repartitioned table, by
     *                         {@link TargetTableSpec#targetKey()}
     * @param idempotentTypes  create types only when missing (for a target that may hold them already)
     */
    public record Options(Function<String, String> schemaMapping, Map<String, RangeBounds> rangeBounds,
                          boolean idempotentTypes) {
        public Options {
            rangeBounds = Map.copyOf(rangeBounds);
        }

        public static Options defaults() {
            return new Options(Function.identity(), Map.of(), false);
        }

        public Options withSchemaMapping(Function<String, String> mapping) {
            return new Options(mapping, rangeBounds, idempotentTypes);
        }

        public Options withRangeBounds(String targetKey, RangeBounds bounds) {
            Map<String, RangeBounds> all = new LinkedHashMap<>(rangeBounds);
            all.put(targetKey, bounds);
            return new Options(schemaMapping, all, idempotentTypes);
        }

        public Options withIdempotentTypes() {
            return new Options(schemaMapping, rangeBounds, true);
        }
    }

    private DdlWriter() {
    }

    public static SchemaScript write(SourceCatalog catalog, List<TargetTableSpec> specs, Options options) {
        return new Writing(catalog, specs, options).write();
    }

    /** The state of one write: the statements and warnings gathered so far. */
    private static final class Writing {
        private final SourceCatalog catalog;
        private final List<TargetTableSpec> specs;
        private final Options options;
        private final Function<String, String> exprSchemas;
        private final TypeDdl types;
        private final List<Statement> schemas = new ArrayList<>();
        private final List<Statement> tables = new ArrayList<>();
        private final List<Statement> afterTables = new ArrayList<>();
        private final List<Statement> sequences = new ArrayList<>();
        private final List<Group> post = new ArrayList<>();
        private final List<Statement> foreignKeys = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final Set<String> sequencesCreated = new LinkedHashSet<>();
        /** source relation oid to its target qualified name (quoted), for foreign keys and inheritance */
        private final Map<Long, String> targetOf = new LinkedHashMap<>();
        private final Map<Long, Map<String, String>> columnsOf = new LinkedHashMap<>();

        Writing(SourceCatalog catalog, List<TargetTableSpec> specs, Options options) {
            this.catalog = catalog;
            this.specs = specs;
            this.options = options;
            Set<String> extensionSchemas = catalog.extensions().stream().map(e -> e.schema())
                    .collect(Collectors.toSet());
            this.exprSchemas = s -> extensionSchemas.contains(s) ? s : options.schemaMapping().apply(s);
            this.types = new TypeDdl(catalog, options, warnings);
        }

        SchemaScript write() {
            for (TargetTableSpec spec : specs) {
                targetOf.put(spec.source().oid(), target(spec));
                columnsOf.put(spec.source().oid(), columnMap(spec));
            }
            Set<String> targetSchemas = new LinkedHashSet<>();
            for (TargetTableSpec spec : specs) {
                targetSchemas.add(spec.mapping().targetSchema());
                spec.partitions().forEach(p -> targetSchemas.add(partitionSchema(spec, p)));
                createTable(spec);
            }
            for (TargetTableSpec spec : specs) {
                postData(spec);
            }
            List<Statement> typeStatements = types.statements();
            targetSchemas.addAll(types.schemasUsed());
            for (String schema : targetSchemas) {
                schemas.add(new Statement("schema " + schema,
                        "CREATE SCHEMA IF NOT EXISTS " + SqlText.identifier(schema)));
            }
            List<Statement> pre = new ArrayList<>(schemas);
            pre.addAll(typeStatements);
            pre.addAll(sequences);
            pre.addAll(tables);
            pre.addAll(afterTables);
            List<Group> groups = new ArrayList<>(post);
            if (!foreignKeys.isEmpty()) {
                groups.add(new Group("foreign keys", SchemaScript.FOREIGN_KEY_PHASE, foreignKeys));
            }
            return new SchemaScript(pre, groups, warnings);
        }

        // ---------------------------------------------------------------- names

        private String target(TargetTableSpec spec) {
            return SqlText.qualified(spec.mapping().targetSchema(), spec.mapping().targetName());
        }

        private String partitionSchema(TargetTableSpec spec, Table partition) {
            return partition.schema().equals(spec.source().schema()) ? spec.mapping().targetSchema()
                    : options.schemaMapping().apply(partition.schema());
        }

        /** Source column name to target name; removed columns map to null. */
        private static Map<String, String> columnMap(TargetTableSpec spec) {
            Map<String, String> out = new LinkedHashMap<>();
            spec.source().columns().forEach(c -> out.put(c.name(), null));
            spec.mapping().columns().stream().filter(c -> !c.added())
                    .forEach(c -> out.put(c.sourceName(), c.targetName()));
            return out;
        }

        private SqlRewriter.Result rewrite(String sql, Map<String, String> columns) {
            return SqlRewriter.rewrite(sql, exprSchemas, columns, this::targetSequenceName);
        }

        /** A {@code 'schema.seq'::regclass} of the source as the target names it. */
        private String targetSequenceName(String printed) {
            return SqlRewriter.splitQualified(printed).filter(p -> p[0] != null)
                    .map(p -> SqlRewriter.printedQualified(options.schemaMapping().apply(p[0]), p[1]))
                    .orElse(printed);
        }

        // ---------------------------------------------------------------- tables

        private void createTable(TargetTableSpec spec) {
            Table source = spec.source();
            PartitionRule rule = spec.mapping().partitionRule();
            String name = target(spec);
            boolean keepPartitioned = source.kind() == TableKind.PARTITIONED && rule instanceof PartitionRule.Keep;
            if (source.kind() == TableKind.PARTITIONED && rule instanceof PartitionRule.Keep
                    && spec.partitions().isEmpty()) {
                warnings.add(name + ": partitioned on the source but no partitions were given; it gets only the"
                        + " partitioned root, which cannot hold rows until partitions are attached");
            }
            if (source.kind() == TableKind.VIEW || source.kind() == TableKind.MATERIALIZED_VIEW
                    || source.kind() == TableKind.FOREIGN) {
                warnings.add(source.qualifiedName() + " is a " + source.kind().name().toLowerCase().replace('_', ' ')
                        + " on the source; the target gets a plain table with its columns");
            }
            StringBuilder sql = new StringBuilder("CREATE ");
            if (source.unlogged() && !keepPartitioned && !(rule instanceof PartitionRule.Repartition)) {
                sql.append("UNLOGGED ");
            }
            sql.append("TABLE ").append(name).append(" (");
            List<String> columnDefs = new ArrayList<>();
            List<Statement> comments = new ArrayList<>();
            Map<String, String> columns = columnsOf.get(source.oid());
            for (ColumnMapping cm : spec.mapping().columns()) {
                columnDefs.add(columnDefinition(spec, cm, columns, comments));
            }
            sql.append(String.join(", ", columnDefs)).append(")");
            if (keepPartitioned) {
                sql.append(" PARTITION BY ").append(rewrite(source.partitionKey().orElseThrow(), columns).text());
            } else if (rule instanceof PartitionRule.Repartition r) {
                sql.append(" PARTITION BY ").append(partitionBy(spec, r.strategy()));
            }
            tables.add(new Statement("table " + name, sql.toString()));
            source.comment().ifPresent(c -> tables.add(new Statement("comment on " + name,
                    "COMMENT ON TABLE " + name + " IS " + SqlText.literal(c))));
            tables.addAll(comments);
            if (keepPartitioned) {
                createPartitions(spec, source, name, columns);
            } else if (rule instanceof PartitionRule.Repartition r) {
                tables.addAll(Repartitioning.partitions(spec, r.strategy(), name,
                        Optional.ofNullable(options.rangeBounds().get(spec.targetKey())), warnings));
            } else if (source.kind() == TableKind.PARTITIONED && rule instanceof PartitionRule.Merge) {
                warnings.add(name + ": the partitions of " + source.qualifiedName()
                        + " are merged into one plain table");
            }
            for (Long parentOid : source.inheritanceParentOids()) {
                String parent = targetOf.get(parentOid);
                if (parent == null) {
                    warnings.add(name + ": its inheritance parent (oid " + parentOid + ") is not selected, so it is"
                            + " created as a plain table without INHERIT");
                } else {
                    afterTables.add(new Statement("inherit " + name, "ALTER TABLE " + name + " INHERIT " + parent));
                }
            }
        }

        private String columnDefinition(TargetTableSpec spec, ColumnMapping cm, Map<String, String> columns,
                                        List<Statement> comments) {
            String table = target(spec);
            Optional<Column> src = cm.added() ? Optional.empty() : spec.source().column(cm.sourceName());
            boolean keeps = src.isPresent() && !cm.typeChanged() && cm.sourceName().equals(cm.targetName());
            String type = src.isPresent() && !cm.typeChanged() ? types.use(src.get().type())
                    : types.use(cm.targetType());
            StringBuilder def = new StringBuilder(SqlText.identifier(cm.targetName())).append(' ').append(type);
            if (src.isEmpty()) {
                return def.toString();
            }
            Column c = src.get();
            if (!cm.typeChanged()) {
                c.collation().ifPresent(coll -> def.append(" COLLATE ").append(coll));
            }
            if (c.isIdentity()) {
                if (cm.typeChanged() && !List.of("smallint", "integer", "bigint").contains(cm.targetType())) {
                    warnings.add(table + "." + cm.targetName() + ": identity dropped, the target type "
                            + cm.targetType() + " cannot be an identity");
                } else {
                    def.append(identity(spec, c));
                }
            } else if (c.isGenerated()) {
                SqlRewriter.Result expr = rewrite(c.generatedExpression().orElseThrow(), columns);
                if (!expr.removedColumns().isEmpty()) {
                    warnings.add(table + "." + cm.targetName() + ": no longer generated (it is a plain column"
                            + " holding the copied values) because its expression uses removed column(s) "
                            + expr.removedColumns());
                } else {
                    def.append(" GENERATED ALWAYS AS (").append(expr.text()).append(") STORED");
                }
            } else if (c.defaultExpression().isPresent()) {
                String expression = c.defaultExpression().get();
                if (keeps) {
                    ensureSequences(expression, spec);
                    def.append(" DEFAULT ").append(rewrite(expression, columns).text());
                } else {
                    warnings.add(table + "." + cm.targetName() + ": DEFAULT " + expression
                            + " left out because the column was renamed or retyped");
                }
            }
            if (c.notNull()) {
                def.append(" NOT NULL");
            }
            if (c.comment().isPresent()) {
                comments.add(new Statement("comment on " + table + "." + cm.targetName(), "COMMENT ON COLUMN "
                        + table + "." + SqlText.identifier(cm.targetName()) + " IS "
                        + SqlText.literal(c.comment().get())));
            }
            return def.toString();
        }

        private String identity(TargetTableSpec spec, Column c) {
            String kind = c.identity() == dev.godwit.workers.catalog.Identity.ALWAYS ? "ALWAYS" : "BY DEFAULT";
            Optional<Sequence> seq = catalog.sequences().stream().filter(Sequence::identity)
                    .filter(s -> s.ownedBy().filter(o -> o.schema().equals(spec.source().schema())
                            && o.table().equals(spec.source().name()) && o.column().equals(c.name())).isPresent())
                    .findFirst();
            if (seq.isEmpty()) {
                return " GENERATED " + kind + " AS IDENTITY";
            }
            Sequence s = seq.get();
            return " GENERATED " + kind + " AS IDENTITY (SEQUENCE NAME "
                    + SqlText.qualified(spec.mapping().targetSchema(), s.name()) + " " + sequenceOptions(s) + ")";
        }

        private static String sequenceOptions(Sequence s) {
            return "START WITH " + s.start() + " INCREMENT BY " + s.increment() + " MINVALUE " + s.min()
                    + " MAXVALUE " + s.max() + " CACHE " + s.cache() + (s.cycle() ? " CYCLE" : " NO CYCLE");
        }

        /** Creates the sequences a kept DEFAULT calls nextval on, with OWNED BY when the source has it. */
        private void ensureSequences(String expression, TargetTableSpec spec) {
            Matcher m = NEXTVAL.matcher(expression);
            while (m.find()) {
                String printed = m.group(1).replace("''", "'");
                Optional<String[]> parts = SqlRewriter.splitQualified(printed);
                Optional<Sequence> seq = parts.flatMap(p -> catalog.sequence(p[0] == null ? "public" : p[0], p[1]));
                if (seq.isEmpty()) {
                    warnings.add(target(spec) + ": sequence " + printed + " is not in the source catalog; the"
                            + " DEFAULT that uses it needs it on the target");
                    continue;
                }
                Sequence s = seq.get();
                String targetName = SqlText.qualified(options.schemaMapping().apply(s.schema()), s.name());
                if (!sequencesCreated.add(targetName)) {
                    continue;
                }
                sequences.add(new Statement("sequence " + targetName, "CREATE SEQUENCE IF NOT EXISTS " + targetName
                        + " AS " + s.dataType() + " " + sequenceOptions(s)));
                s.ownedBy().ifPresent(o -> {
                    Optional<TargetTableSpec> owner = specs.stream().filter(t -> t.source().schema().equals(o.schema())
                            && t.source().name().equals(o.table())).findFirst();
                    Optional<String> column = owner.map(t -> columnsOf.get(t.source().oid()).get(o.column()));
                    if (owner.isPresent() && column.isPresent()) {
                        afterTables.add(new Statement("sequence owner " + targetName, "ALTER SEQUENCE " + targetName
                                + " OWNED BY " + target(owner.get()) + "." + SqlText.identifier(column.get())));
                    }
                });
            }
        }

        private void createPartitions(TargetTableSpec spec, Table root, String rootName, Map<String, String> columns) {
            Map<Long, String> names = new LinkedHashMap<>();
            names.put(root.oid(), rootName);
            List<Table> pending = new ArrayList<>(spec.partitions());
            boolean progress = true;
            while (!pending.isEmpty() && progress) {
                progress = false;
                for (Table p : List.copyOf(pending)) {
                    String parent = names.get(p.partitionParentOid().orElse(-1));
                    if (parent == null) {
                        continue;
                    }
                    String name = SqlText.qualified(partitionSchema(spec, p), p.name());
                    StringBuilder sql = new StringBuilder("CREATE TABLE ").append(name).append(" PARTITION OF ")
                            .append(parent).append(' ').append(p.partitionBound().orElse("DEFAULT"));
                    if (p.kind() == TableKind.PARTITIONED) {
                        sql.append(" PARTITION BY ").append(rewrite(p.partitionKey().orElseThrow(), columns).text());
                    }
                    tables.add(new Statement("partition " + name, sql.toString()));
                    names.put(p.oid(), name);
                    targetOf.put(p.oid(), name);
                    pending.remove(p);
                    progress = true;
                }
            }
            pending.forEach(p -> warnings.add(rootName + ": partition " + p.qualifiedName()
                    + " left out, its parent is not among the partitions given"));
        }

        private String partitionBy(TargetTableSpec spec, PartitionRule.Strategy strategy) {
            String column = SqlText.identifier(strategy.column());
            if (spec.mapping().column(strategy.column()).isEmpty()) {
                throw new SchemaException(target(spec) + ": the partition column " + strategy.column()
                        + " is not a column of the target table; name one of "
                        + spec.mapping().columns().stream().map(ColumnMapping::targetName).toList());
            }
            if (strategy instanceof PartitionRule.Range) {
                return "RANGE (" + column + ")";
            }
            return (strategy instanceof PartitionRule.ListBy ? "LIST (" : "HASH (") + column + ")";
        }

        // ---------------------------------------------------------------- post-data

        private void postData(TargetTableSpec spec) {
            Table source = spec.source();
            String name = target(spec);
            PartitionRule rule = spec.mapping().partitionRule();
            boolean partitionedTarget = (source.kind() == TableKind.PARTITIONED && rule instanceof PartitionRule.Keep)
                    || rule instanceof PartitionRule.Repartition;
            Map<String, String> columns = columnsOf.get(source.oid());
            List<Statement> out = new ArrayList<>();
            Set<String> doneIndexes = new LinkedHashSet<>();

            // primary key
            Optional<PrimaryKeyDefinition> defined = spec.mapping().definedPrimaryKey();
            Optional<Constraint> sourcePk = source.constraints().stream()
                    .filter(c -> c.type() == ConstraintType.PRIMARY_KEY && !c.inherited()).findFirst();
            if (defined.isPresent()) {
                PrimaryKeyDefinition d = defined.get();
                checkPartitionColumn(spec, d.columns(), true);
                String cols = d.columns().stream().map(SqlText::identifier).collect(Collectors.joining(", "));
                String keyName = d.name() == null || d.name().isBlank() ? spec.mapping().targetName() + "_pkey"
                        : d.name();
                String index = SqlText.qualified(spec.mapping().targetSchema(), keyName);
                if (d.origin() == PrimaryKeyDefinition.Origin.UNIQUE_INDEX) {
                    out.add(new Statement("unique index " + keyName, "CREATE UNIQUE INDEX "
                            + SqlText.identifier(keyName) + " ON " + name + " (" + cols + ")"));
                } else if (partitionedTarget) {
                    out.add(new Statement("primary key " + name, "ALTER TABLE " + name + " ADD CONSTRAINT "
                            + SqlText.identifier(keyName) + " PRIMARY KEY (" + cols + ")"));
                } else {
                    out.add(new Statement("primary key index " + index, "CREATE UNIQUE INDEX "
                            + SqlText.identifier(keyName) + " ON " + name + " (" + cols + ")"));
                    out.add(new Statement("primary key " + name, "ALTER TABLE " + name + " ADD CONSTRAINT "
                            + SqlText.identifier(keyName) + " PRIMARY KEY USING INDEX "
                            + SqlText.identifier(keyName)));
                }
                sourcePk.ifPresent(pk -> doneIndexes.add(pk.name()));
            }
            for (Constraint c : source.constraints()) {
                if (c.inherited()) {
                    continue;
                }
                if (c.type() == ConstraintType.PRIMARY_KEY && defined.isPresent()) {
                    continue;
                }
                addConstraint(spec, source, c, name, columns, partitionedTarget, out, doneIndexes);
            }
            for (Index index : source.indexes()) {
                if (index.constraintName().isPresent() || index.inheritedFromParent()
                        || doneIndexes.contains(index.name())) {
                    continue;
                }
                addIndex(spec, index, name, columns, out);
            }
            // partition-local constraints and indexes of a kept partitioned table
            if (source.kind() == TableKind.PARTITIONED && rule instanceof PartitionRule.Keep) {
                for (Table p : spec.partitions()) {
                    String pName = targetOf.get(p.oid());
                    if (pName == null) {
                        continue;
                    }
                    for (Constraint c : p.constraints()) {
                        if (!c.inherited()) {
                            addConstraint(spec, p, c, pName, columns, p.kind() == TableKind.PARTITIONED, out,
                                    doneIndexes);
                        }
                    }
                    for (Index index : p.indexes()) {
                        if (index.constraintName().isEmpty() && !index.inheritedFromParent()) {
                            addIndex(spec, index, pName, columns, out);
                        }
                    }
                    replicaIdentity(p, pName, true, out);
                }
            } else if (source.kind() == TableKind.PARTITIONED) {
                spec.partitions().stream().filter(p -> p.indexes().stream()
                                .anyMatch(i -> !i.inheritedFromParent() && i.constraintName().isEmpty()))
                        .forEach(p -> warnings.add(name + ": the partition-local indexes of " + p.qualifiedName()
                                + " are left out"));
            }
            replicaIdentity(source, name, false, out);
            if (!out.isEmpty()) {
                post.add(new Group(name, SchemaScript.TABLE_PHASE, out));
            }
        }

        private void addConstraint(TargetTableSpec spec, Table owner, Constraint c, String name,
                                   Map<String, String> columns, boolean partitioned, List<Statement> out,
                                   Set<String> doneIndexes) {
            String constraint = SqlText.identifier(c.name());
            List<String> removed = c.columns().stream().filter(col -> columns.containsKey(col)
                    && columns.get(col) == null).toList();
            if (!removed.isEmpty()) {
                warnings.add(name + ": constraint " + c.name() + " left out, it uses removed column(s) " + removed);
                doneIndexes.add(c.name());
                return;
            }
            switch (c.type()) {
                case PRIMARY_KEY, UNIQUE -> {
                    List<String> targetColumns = c.columns().stream().map(columns::get).toList();
                    String kind = c.type() == ConstraintType.PRIMARY_KEY ? "PRIMARY KEY" : "UNIQUE";
                    if (spec.mapping().partitionRule() instanceof PartitionRule.Repartition) {
                        if (!checkPartitionColumn(spec, targetColumns, c.type() == ConstraintType.PRIMARY_KEY)) {
                            return;
                        }
                    }
                    Optional<Index> backing = owner.indexes().stream()
                            .filter(i -> i.constraintName().equals(Optional.of(c.name()))).findFirst();
                    String deferrable = c.deferrable() ? (c.initiallyDeferred() ? " DEFERRABLE INITIALLY DEFERRED"
                            : " DEFERRABLE") : "";
                    if (partitioned || backing.isEmpty()) {
                        out.add(new Statement(kind.toLowerCase() + " " + c.name() + " on " + name, "ALTER TABLE "
                                + name + " ADD CONSTRAINT " + constraint + " " + rewrite(c.definition(), columns).text()));
                    } else {
                        out.add(new Statement("index " + c.name() + " on " + name,
                                indexSql(backing.get(), name, columns).text()));
                        out.add(new Statement(kind.toLowerCase() + " " + c.name() + " on " + name, "ALTER TABLE "
                                + name + " ADD CONSTRAINT " + constraint + " " + kind + " USING INDEX "
                                + SqlText.identifier(backing.get().name()) + deferrable));
                    }
                    doneIndexes.add(c.name());
                }
                case CHECK, EXCLUSION -> {
                    SqlRewriter.Result def = rewrite(c.definition(), columns);
                    if (!def.removedColumns().isEmpty()) {
                        warnings.add(name + ": constraint " + c.name() + " left out, it uses removed column(s) "
                                + def.removedColumns());
                        return;
                    }
                    if (c.type() == ConstraintType.EXCLUSION
                            && spec.mapping().partitionRule() instanceof PartitionRule.Repartition) {
                        warnings.add(name + ": exclusion constraint " + c.name() + " left out on the repartitioned"
                                + " table");
                        return;
                    }
                    out.add(new Statement(c.type().name().toLowerCase() + " " + c.name() + " on " + name,
                            "ALTER TABLE " + name + " ADD CONSTRAINT " + constraint + " " + def.text()));
                }
                case FOREIGN_KEY -> foreignKey(c, name, columns);
            }
        }

        private void foreignKey(Constraint c, String name, Map<String, String> columns) {
            long refOid = c.referencedTableOid().orElse(-1);
            String refName = targetOf.get(refOid);
            if (refName == null) {
                warnings.add(name + ": foreign key " + c.name() + " left out, the table it references (oid " + refOid
                        + ") is not selected");
                return;
            }
            String def = c.definition();
            int refs = def.indexOf(" REFERENCES ");
            int open = openParenAfterName(def, refs + " REFERENCES ".length());
            int close = def.indexOf(')', open);
            if (refs < 0 || open < 0 || close < 0) {
                warnings.add(name + ": foreign key " + c.name() + " left out, its definition could not be read: " + def);
                return;
            }
            Map<String, String> refColumns = columnsOf.getOrDefault(refOid, Map.of());
            Optional<Table> refTable = catalog.tableByOid(refOid);
            if (refTable.isPresent() && refColumns.isEmpty()) {
                refTable.get().columns().forEach(col -> refColumns.put(col.name(), col.name()));
            }
            SqlRewriter.Result local = rewrite(def.substring(0, refs), columns);
            SqlRewriter.Result remote = SqlRewriter.rewrite(def.substring(open, close + 1), s -> s,
                    refColumns.isEmpty() ? Map.of() : refColumns, s -> s);
            if (!local.removedColumns().isEmpty() || !remote.removedColumns().isEmpty()) {
                warnings.add(name + ": foreign key " + c.name() + " left out, it uses removed column(s)");
                return;
            }
            foreignKeys.add(new Statement("foreign key " + c.name() + " on " + name, "ALTER TABLE " + name
                    + " ADD CONSTRAINT " + SqlText.identifier(c.name()) + " " + local.text() + " REFERENCES "
                    + refName + remote.text() + def.substring(close + 1)));
        }

        private static int openParenAfterName(String def, int from) {
            int i = from;
            while (i < def.length()) {
                char ch = def.charAt(i);
                if (ch == '"') {
                    i = SqlRewriter.endOfQuoted(def, i, '"');
                } else if (ch == '(') {
                    return i;
                } else {
                    i++;
                }
            }
            return -1;
        }

        private void addIndex(TargetTableSpec spec, Index index, String table, Map<String, String> columns,
                              List<Statement> out) {
            if (!index.valid()) {
                warnings.add(table + ": index " + index.name() + " left out, it is invalid on the source");
                return;
            }
            SqlRewriter.Result sql = indexSql(index, table, columns);
            if (!sql.removedColumns().isEmpty()) {
                warnings.add(table + ": index " + index.name() + " left out, it uses removed column(s) "
                        + sql.removedColumns());
                return;
            }
            if (index.unique() && spec.mapping().partitionRule() instanceof PartitionRule.Repartition r
                    && !index.columns().stream().map(columns::get).toList().contains(r.strategy().column())) {
                warnings.add(table + ": unique index " + index.name() + " left out, a unique index of a partitioned"
                        + " table must include the partition column " + r.strategy().column());
                return;
            }
            out.add(new Statement("index " + index.name() + " on " + table, sql.text()));
        }

        /** {@code CREATE [UNIQUE] INDEX name ON target USING …}, the part after USING rewritten for the target. */
        private SqlRewriter.Result indexSql(Index index, String table, Map<String, String> columns) {
            String def = index.definition();
            int using = def.indexOf(" USING ");
            SqlRewriter.Result rest = rewrite(def.substring(using + 1), columns);
            return new SqlRewriter.Result("CREATE " + (index.unique() ? "UNIQUE " : "") + "INDEX "
                    + SqlText.identifier(index.name()) + " ON " + table + " " + rest.text(), rest.removedColumns());
        }

        private void replicaIdentity(Table source, String name, boolean partition, List<Statement> out) {
            ReplicaIdentity ri = source.kind() == TableKind.TABLE || source.kind() == TableKind.PARTITIONED
                    ? source.replicaIdentity() : ReplicaIdentity.DEFAULT;
            switch (ri) {
                case DEFAULT -> { }
                case FULL, NOTHING -> out.add(new Statement("replica identity of " + name,
                        "ALTER TABLE " + name + " REPLICA IDENTITY " + ri.name()));
                case INDEX -> {
                    if (partition || source.replicaIdentityIndex().isEmpty()) {
                        warnings.add(name + ": REPLICA IDENTITY USING INDEX left out; set it by hand");
                    } else {
                        out.add(new Statement("replica identity of " + name, "ALTER TABLE " + name
                                + " REPLICA IDENTITY USING INDEX "
                                + SqlText.identifier(source.replicaIdentityIndex().get())));
                    }
                }
            }
        }

        /** Whether the key holds the repartition column; a missing one in a primary key is an error. */
        private boolean checkPartitionColumn(TargetTableSpec spec, List<String> targetColumns, boolean primary) {
            if (!(spec.mapping().partitionRule() instanceof PartitionRule.Repartition r)) {
                return true;
            }
            if (targetColumns.contains(r.strategy().column())) {
                return true;
            }
            if (primary) {
                throw new SchemaException(target(spec) + ": the primary key " + targetColumns
                        + " does not include the partition column " + r.strategy().column()
                        + "; PostgreSQL requires it. Add " + r.strategy().column() + " to the key with a"
                        + " define-primary-key rule, or repartition by a key column.");
            }
            warnings.add(target(spec) + ": unique constraint on " + targetColumns + " left out, it does not include"
                    + " the partition column " + r.strategy().column());
            return false;
        }
    }
}
