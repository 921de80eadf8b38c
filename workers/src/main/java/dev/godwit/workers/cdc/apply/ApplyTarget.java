package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.rules.OperationIndicator;
import dev.godwit.mappings.rules.SourceColumn;
import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.workers.pg.Lsn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How the changes of one SOURCE relation (schema and name as pgoutput names it; a partitioned table arrives under its
 * root when the publication has {@code publish_via_partition_root}) land on one target table.
 *
 * @param sourceSchema   the source relation's schema
 * @param sourceName     the source relation's name
 * @param targetSchema   the target table's schema
 * @param targetName     the target table's name
 * @param columns        source columns written to the target, each with its target name and type
 * @param omittedColumns source columns deliberately not written (removed by a mapping, or generated on the target)
 * @param sourceTypes    every known source column's {@code format_type()} text, by source name: the types of the
 *                       derived table that added-column expressions are evaluated over
 * @param addedColumns   target columns with no source column: an expression over the source row, or an operation
 *                       indicator
 * @param keyColumns     target column names that identify a row (the target's primary key or the mapping's defined
 *                       key), each a column of {@code columns}; empty: rows are matched on every column the change's
 *                       row image identifies them by, one row at a time (REPLICA IDENTITY FULL without a key)
 * @param syncLsn        when the table was copied under a later snapshot than the stream's start: changes of source
 *                       transactions whose {@code Begin.finalLsn} is below it are already in the copy and skipped
 * @param nameRules      by source column name, the transformation rules that name its target column otherwise
 *                       ({@code rule-name (rules[i])}), for the message when such a column is renamed on the source
 */
public record ApplyTarget(String sourceSchema, String sourceName, String targetSchema, String targetName,
                          List<Column> columns, Set<String> omittedColumns, Map<String, String> sourceTypes,
                          List<AddedColumn> addedColumns, List<String> keyColumns, Optional<Lsn> syncLsn,
                          Map<String, List<String>> nameRules) {

    /** A source column written to the target column {@code targetName}, its text value cast to {@code targetType}. */
    public record Column(String sourceName, String targetName, String targetType) {
    }

    /**
     * A target column without a source column.
     *
     * @param expression         SQL over the source row, source columns referenced by their quoted names (ignored
     *                           for an operation indicator)
     * @param operationIndicator the values written for insert, update and delete, when the column is one
     */
    public record AddedColumn(String targetName, String targetType, String expression,
                              Optional<OperationIndicator> operationIndicator) {
    }

    public ApplyTarget {
        columns = List.copyOf(columns);
        omittedColumns = Set.copyOf(omittedColumns);
        sourceTypes = Map.copyOf(sourceTypes);
        addedColumns = List.copyOf(addedColumns);
        keyColumns = List.copyOf(keyColumns);
        nameRules = Map.copyOf(nameRules);
        for (String key : keyColumns) {
            if (columns.stream().noneMatch(c -> c.targetName().equals(key))) {
                throw new IllegalArgumentException("key column " + key + " of " + targetSchema + "." + targetName
                        + " is not filled from a source column; rows cannot be found by it");
            }
        }
    }

    public ApplyTarget(String sourceSchema, String sourceName, String targetSchema, String targetName,
                       List<Column> columns, Set<String> omittedColumns, Map<String, String> sourceTypes,
                       List<AddedColumn> addedColumns, List<String> keyColumns, Optional<Lsn> syncLsn) {
        this(sourceSchema, sourceName, targetSchema, targetName, columns, omittedColumns, sourceTypes, addedColumns,
                keyColumns, syncLsn, Map.of());
    }

    /**
     * The target of a mapped table.
     *
     * @param targetKeyColumns        the target's primary key, or the mapping's defined key, in target names; empty
     *                                when the table has none
     * @param generatedTargetColumns  target columns that are generated on the target (never written)
     */
    public static ApplyTarget from(TableMapping mapping, List<String> targetKeyColumns, Optional<Lsn> syncLsn,
                                   Set<String> generatedTargetColumns) {
        List<Column> columns = new ArrayList<>();
        List<AddedColumn> added = new ArrayList<>();
        Set<String> written = new java.util.HashSet<>();
        Map<String, List<String>> nameRules = new LinkedHashMap<>();
        for (ColumnMapping c : mapping.columns()) {
            if (generatedTargetColumns.contains(c.targetName())) {
                continue;
            }
            if (c.added()) {
                added.add(new AddedColumn(c.targetName(), c.targetType(), c.selectExpression(),
                        c.operationIndicator()));
            } else {
                columns.add(new Column(c.sourceName(), c.targetName(), c.targetType()));
                written.add(c.sourceName());
                if (!c.nameRules().isEmpty()) {
                    nameRules.put(c.sourceName(), c.nameRules());
                }
            }
        }
        Map<String, String> sourceTypes = new LinkedHashMap<>();
        Set<String> omitted = new java.util.HashSet<>();
        for (SourceColumn s : mapping.source().columns()) {
            sourceTypes.put(s.name(), s.type());
            if (!written.contains(s.name())) {
                omitted.add(s.name());
            }
        }
        for (ColumnMapping c : mapping.columns()) {
            if (!c.added() && c.sourceType() != null) {
                sourceTypes.putIfAbsent(c.sourceName(), c.sourceType());
            }
        }
        List<String> keys = targetKeyColumns.isEmpty()
                ? mapping.definedPrimaryKey().map(k -> k.columns()).orElse(List.of())
                : targetKeyColumns;
        return new ApplyTarget(mapping.source().schema(), mapping.source().name(), mapping.targetSchema(),
                mapping.targetName(), columns, omitted, sourceTypes, added, keys, syncLsn, nameRules);
    }

    /** {@code schema.name} of the target, unquoted, for messages. */
    public String qualifiedTarget() {
        return targetSchema + "." + targetName;
    }

    /** The column written from {@code sourceName}, if it is written. */
    public Optional<Column> column(String sourceName) {
        return columns.stream().filter(c -> c.sourceName().equals(sourceName)).findFirst();
    }

    /** This target with one more column written, target name = source name (additive DDL). */
    public ApplyTarget withColumn(String name, String type) {
        List<Column> more = new ArrayList<>(columns);
        more.add(new Column(name, name, type));
        Map<String, String> types = new LinkedHashMap<>(sourceTypes);
        types.put(name, type);
        return new ApplyTarget(sourceSchema, sourceName, targetSchema, targetName, more, omittedColumns, types,
                addedColumns, keyColumns, syncLsn, nameRules);
    }

    /** This target without the column written (or omitted) from {@code sourceName} (dropped on the source). */
    public ApplyTarget withoutColumn(String sourceName) {
        List<Column> fewer = columns.stream().filter(c -> !c.sourceName().equals(sourceName)).toList();
        Map<String, String> types = new LinkedHashMap<>(sourceTypes);
        types.remove(sourceName);
        Set<String> omitted = new java.util.HashSet<>(omittedColumns);
        omitted.remove(sourceName);
        return new ApplyTarget(this.sourceSchema, this.sourceName, targetSchema, targetName, fewer, omitted,
                types, addedColumns, keyColumns, syncLsn, nameRules);
    }

    /** This target with the column written from {@code sourceName} of another type (altered on both sides). */
    public ApplyTarget withColumnType(String sourceName, String type) {
        List<Column> changed = columns.stream().map(c -> c.sourceName().equals(sourceName)
                ? new Column(c.sourceName(), c.targetName(), type) : c).toList();
        Map<String, String> types = new LinkedHashMap<>(sourceTypes);
        types.put(sourceName, type);
        return new ApplyTarget(this.sourceSchema, this.sourceName, targetSchema, targetName, changed, omittedColumns,
                types, addedColumns, keyColumns, syncLsn, nameRules);
    }

    /**
     * This target with source column {@code from} known as {@code to}: a written column keeps its target name unless
     * that was the source name (then the target column is renamed alike, key included); an omitted one stays omitted.
     */
    public ApplyTarget withRenamedColumn(String from, String to) {
        List<Column> renamed = columns.stream().map(c -> c.sourceName().equals(from)
                ? new Column(to, c.targetName().equals(from) ? to : c.targetName(), c.targetType()) : c).toList();
        List<String> keys = keyColumns.stream().map(k -> k.equals(from) && column(from)
                .filter(c -> c.targetName().equals(from)).isPresent() ? to : k).toList();
        Map<String, String> types = new LinkedHashMap<>();
        sourceTypes.forEach((name, type) -> types.put(name.equals(from) ? to : name, type));
        Set<String> omitted = new java.util.HashSet<>(omittedColumns);
        if (omitted.remove(from)) {
            omitted.add(to);
        }
        Map<String, List<String>> rules = new LinkedHashMap<>();
        nameRules.forEach((name, r) -> rules.put(name.equals(from) ? to : name, r));
        return new ApplyTarget(this.sourceSchema, this.sourceName, targetSchema, targetName, renamed, omitted, types,
                addedColumns, keys, syncLsn, rules);
    }

    /** {@code schema.name} of the target, unquoted: how the task's state names the table. */
    public String targetKey() {
        return targetSchema + "." + targetName;
    }

    /** This target leaving out a source column (one added on the source that the target ignores). */
    public ApplyTarget withOmitted(String sourceName) {
        Set<String> more = new java.util.HashSet<>(omittedColumns);
        more.add(sourceName);
        return new ApplyTarget(this.sourceSchema, this.sourceName, targetSchema, targetName, columns, more,
                sourceTypes, addedColumns, keyColumns, syncLsn, nameRules);
    }
}
