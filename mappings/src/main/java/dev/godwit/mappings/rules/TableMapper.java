package dev.godwit.mappings.rules;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.partition.TableName;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.Settings;
import dev.godwit.mappings.text.Suggestions;
import dev.godwit.mappings.types.DmsTypes;
import dev.godwit.mappings.types.PgType;
import dev.godwit.mappings.types.TypeChange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Applies the transformation rules, table settings and partition settings to one selected table. */
final class TableMapper {

    private final List<TransformationRule> rules;
    private final List<TableSettingsRule> tableSettings;
    private final Settings settings;
    private final Findings findings;
    private final Set<RuleRef> used;
    private final Set<TableName> usedPartitionEntries;
    private final PartitionChecks partitionChecks;

    TableMapper(List<TransformationRule> rules, List<TableSettingsRule> tableSettings, Settings settings,
                Findings findings, Set<RuleRef> used, Set<TableName> usedPartitionEntries) {
        this.rules = rules;
        this.tableSettings = tableSettings;
        this.settings = settings;
        this.findings = findings;
        this.used = used;
        this.usedPartitionEntries = usedPartitionEntries;
        this.partitionChecks = new PartitionChecks(findings);
    }

    TableMapping map(Selection.Selected selected) {
        SourceTable table = selected.table();
        List<RuleRef> applied = new ArrayList<>(selected.rules().stream().map(SelectionRule::ref).toList());

        List<TransformationRule> schemaRules = rules.stream()
                .filter(r -> r.target() == RuleTarget.SCHEMA && r.locator().schema().matches(table.schema())).toList();
        schemaRules.forEach(r -> used.add(r.ref()));
        String targetSchema = Precedence.rename(table.schema(),
                Precedence.winners(schemaRules, "schema " + table.schema(), findings), applied);
        if (settings.targetSchema().isPresent()) {
            targetSchema = settings.targetSchema().get();
        }

        List<TransformationRule> onTable = rules.stream()
                .filter(r -> r.target() != RuleTarget.SCHEMA && reaches(r, table)).toList();
        List<TransformationRule> tableWinners = Precedence.winners(
                onTable.stream().filter(r -> r.target() == RuleTarget.TABLE).toList(),
                "table " + table.qualifiedName(), findings);
        onTable.stream().filter(r -> r.target() == RuleTarget.TABLE || r.action() instanceof TransformAction.AddColumn)
                .forEach(r -> used.add(r.ref()));
        String targetName = Precedence.rename(table.name(), tableWinners, applied);

        List<ColumnMapping> columns = new ArrayList<>();
        columns.addAll(sourceColumns(table, onTable, applied));
        columns.addAll(addedColumns(table, onTable, applied));
        checkColumnNames(table, columns);

        Optional<PrimaryKeyDefinition> key = primaryKey(table, tableWinners, columns, applied);
        checkOperationIndicator(table, columns, key);
        Optional<String> filter = filter(selected);
        ParallelLoad parallelLoad = parallelLoad(table, applied);
        PartitionRule partitionRule = partitionRule(table, columns, key);

        applied.sort(Comparator.comparingLong(RuleRef::id));
        List<String> labels = applied.stream().map(RuleRef::label).distinct().toList();
        return new TableMapping(table, targetSchema, targetName, columns, filter, selected.loadOrder(), key,
                parallelLoad, partitionRule, labels);
    }

    /** Whether a table-level or column-level rule's schema and table locators reach this table. */
    private static boolean reaches(TransformationRule rule, SourceTable table) {
        NamePattern tablePattern = rule.locator().table().orElseThrow();
        if (rule.action() instanceof TransformAction.DefinePrimaryKey) {
            // DMS requires exact names here, so an underscore is an underscore.
            return rule.locator().schema().exactName().map(table.schema()::equals).orElse(false)
                    && tablePattern.exactName().map(table.name()::equals).orElse(false);
        }
        return rule.locator().schema().matches(table.schema()) && tablePattern.matches(table.name());
    }

    private List<ColumnMapping> sourceColumns(SourceTable table, List<TransformationRule> onTable, List<RuleRef> applied) {
        List<TransformationRule> columnRules = onTable.stream()
                .filter(r -> r.target() == RuleTarget.COLUMN && !(r.action() instanceof TransformAction.AddColumn))
                .toList();
        boolean includeMode = columnRules.stream().anyMatch(r -> r.action() instanceof TransformAction.IncludeColumn);
        List<ColumnMapping> columns = new ArrayList<>();
        for (SourceColumn column : table.columns()) {
            PgType sourceType = PgType.parse(column.type());
            List<TransformationRule> matching = columnRules.stream()
                    .filter(r -> r.locator().column().orElseThrow().matches(column.name()) && typeMatches(r, sourceType))
                    .toList();
            matching.forEach(r -> used.add(r.ref()));
            String object = "column " + table.qualifiedName() + "." + column.name();
            List<TransformationRule> winners = Precedence.winners(matching, object, findings);
            Optional<TransformationRule> remove = first(winners, TransformAction.RemoveColumn.class);
            if (remove.isPresent()) {
                applied.add(remove.get().ref());
                if (table.primaryKey().contains(column.name())) {
                    findings.warning(remove.get().ref(), "removes " + column.name() + ", part of the primary key of "
                            + table.qualifiedName() + "; the target gets no primary key unless define-primary-key"
                            + " gives one, and CDC cannot apply updates and deletes without a key");
                }
                continue;
            }
            Optional<TransformationRule> include = first(winners, TransformAction.IncludeColumn.class);
            if (includeMode && include.isEmpty()) {
                continue;
            }
            include.ifPresent(r -> applied.add(r.ref()));
            String targetName = Precedence.rename(column.name(), winners, applied);
            List<String> nameRules = targetName.equals(column.name()) ? List.of() : winners.stream()
                    .filter(r -> r.action() instanceof TransformAction.NameChange).map(r -> r.ref().label()).toList();
            Optional<TransformationRule> retype = first(winners, TransformAction.ChangeDataType.class);
            columns.add(retype.map(rule -> {
                applied.add(rule.ref());
                return retyped(table, column, sourceType, targetName,
                        ((TransformAction.ChangeDataType) rule.action()).type(), rule.ref());
            }).orElseGet(() -> new ColumnMapping(column.name(), targetName, column.type(), column.type(),
                    SqlText.identifier(column.name()), false, false)).withNameRules(nameRules));
        }
        return columns;
    }

    private ColumnMapping retyped(SourceTable table, SourceColumn column, PgType sourceType, String targetName,
                                  PgType targetType, RuleRef rule) {
        TypeChange change = TypeChange.between(sourceType, targetType);
        boolean changed = change.kind() != TypeChange.Kind.SAME;
        String what = table.qualifiedName() + "." + column.name() + " from " + column.type() + " to " + targetType.sql();
        if (change.lossy()) {
            String message = "change-data-type of " + what + " is lossy: " + change.reason().orElse("");
            if (settings.allowLossyTypeChanges()) {
                findings.warning(rule, message + " (allowed by allowLossyTypeChanges)");
            } else {
                findings.error(rule, message + "; set allowLossyTypeChanges: true to accept it");
            }
        } else if (change.kind() == TypeChange.Kind.UNKNOWN) {
            findings.warning(rule, "change-data-type of " + what + ": " + change.reason().orElse(""));
        }
        String select = SqlText.identifier(column.name()) + (changed ? "::" + targetType.sql() : "");
        return new ColumnMapping(column.name(), targetName, column.type(), changed ? targetType.sql() : column.type(),
                select, changed, change.lossy());
    }

    /** {@code object-locator.data-type}: a DMS type name compared with the column's DMS view, or a PostgreSQL type. */
    private static boolean typeMatches(TransformationRule rule, PgType sourceType) {
        Optional<String> wanted = rule.locator().dataType();
        if (wanted.isEmpty()) {
            return true;
        }
        if (DmsTypes.isDmsType(wanted.get())) {
            return DmsTypes.dmsTypeOf(sourceType).map(t -> t.equals(wanted.get().toLowerCase(Locale.ROOT))).orElse(false);
        }
        PgType wantedType = PgType.parse(wanted.get());
        return wantedType.modifiers().isEmpty()
                ? wantedType.name().equals(sourceType.name()) && wantedType.arrayDimensions() == sourceType.arrayDimensions()
                : wantedType.equals(sourceType);
    }

    private List<ColumnMapping> addedColumns(SourceTable table, List<TransformationRule> onTable, List<RuleRef> applied) {
        Map<String, TransformationRule> byName = new java.util.LinkedHashMap<>();
        onTable.stream().filter(r -> r.action() instanceof TransformAction.AddColumn)
                .sorted(Comparator.comparingLong(r -> r.ref().id()))
                .forEach(rule -> {
                    TransformAction.AddColumn add = (TransformAction.AddColumn) rule.action();
                    TransformationRule winner = byName.putIfAbsent(add.name(), rule);
                    if (winner != null) {
                        findings.warning(rule.ref(), "adds column " + add.name() + " to " + table.qualifiedName()
                                + " as " + winner.ref().label() + " does; the lower rule-id wins");
                    }
                });
        List<ColumnMapping> columns = new ArrayList<>();
        for (TransformationRule rule : byName.values()) {
            TransformAction.AddColumn add = (TransformAction.AddColumn) rule.action();
            String cast = "::" + add.type().sql();
            String select;
            if (add.operationIndicator().isPresent()) {
                select = SqlText.literal(add.operationIndicator().get().insertValue()) + cast;
            } else if (add.expression().isPresent()) {
                ExpressionTranslator.Result result = ExpressionTranslator.translate(add.expression().get(), table);
                if (result.unknownColumn().isPresent()) {
                    String name = result.unknownColumn().get();
                    findings.error(rule.ref(), "expression refers to $" + name + ", which " + table.qualifiedName()
                            + " does not have" + Suggestions.didYouMean(name, ExpressionTranslator.columnNames(table)));
                    continue;
                }
                select = "(" + result.sql() + ")" + cast;
            } else {
                select = "NULL" + cast;
            }
            applied.add(rule.ref());
            columns.add(new ColumnMapping(null, add.name(), null, add.type().sql(), select, false, false,
                    add.operationIndicator()));
        }
        return columns;
    }

    private void checkColumnNames(SourceTable table, List<ColumnMapping> columns) {
        // a table without columns is legal (its rows are only counted); what the mappings must not do is remove all
        if (columns.isEmpty() && !table.columns().isEmpty()) {
            findings.error((String) null, table.qualifiedName() + " would have no columns left on the target");
        }
        Map<String, ColumnMapping> seen = new HashMap<>();
        for (ColumnMapping column : columns) {
            ColumnMapping other = seen.putIfAbsent(column.targetName(), column);
            if (other != null) {
                findings.error((String) null, "two target columns of " + table.qualifiedName() + " would be named '"
                        + column.targetName() + "': " + origin(other) + " and " + origin(column)
                        + "; DMS and godwit need distinct target names");
            }
        }
    }

    private static String origin(ColumnMapping column) {
        return column.added() ? "an added column" : "source column " + column.sourceName();
    }

    private Optional<PrimaryKeyDefinition> primaryKey(SourceTable table, List<TransformationRule> tableWinners,
                                                      List<ColumnMapping> columns, List<RuleRef> applied) {
        Optional<TransformationRule> rule = first(tableWinners, TransformAction.DefinePrimaryKey.class);
        if (rule.isEmpty()) {
            return Optional.empty();
        }
        PrimaryKeyDefinition key = ((TransformAction.DefinePrimaryKey) rule.get().action()).key();
        List<String> resolved = new ArrayList<>();
        for (String name : key.columns()) {
            Optional<String> target = targetColumn(name, columns);
            if (target.isEmpty()) {
                findings.error(rule.get().ref(), "primary-key-def names column '" + name + "', which the target table "
                        + table.qualifiedName() + " does not have" + Suggestions.didYouMean(name,
                        columns.stream().map(ColumnMapping::targetName).toList()));
                return Optional.empty();
            }
            resolved.add(target.get());
        }
        applied.add(rule.get().ref());
        return Optional.of(new PrimaryKeyDefinition(key.name(), key.origin(), resolved));
    }

    /** A target column by its target name, or by its source name when a rule renamed it. */
    static Optional<String> targetColumn(String name, List<ColumnMapping> columns) {
        return columns.stream().filter(c -> c.targetName().equals(name)).map(ColumnMapping::targetName).findFirst()
                .or(() -> columns.stream().filter(c -> name.equals(c.sourceName())).map(ColumnMapping::targetName)
                        .findFirst());
    }

    private void checkOperationIndicator(SourceTable table, List<ColumnMapping> columns, Optional<PrimaryKeyDefinition> key) {
        if (columns.stream().anyMatch(c -> c.operationIndicator().isPresent())
                && table.primaryKey().isEmpty() && key.isEmpty()) {
            findings.warning((String) null, "operation_indicator on " + table.qualifiedName() + " needs a primary key"
                    + " to turn deletes into updates, and the table has none; define one with define-primary-key");
        }
    }

    private Optional<String> filter(Selection.Selected selected) {
        if (selected.filters().isEmpty()) {
            return Optional.empty();
        }
        SourceTable table = selected.table();
        RuleRef rule = selected.rules().stream().filter(r -> !r.filters().isEmpty()).findFirst().orElseThrow().ref();
        boolean ok = true;
        for (SourceFilter filter : selected.filters()) {
            if (table.column(filter.column()).isEmpty()) {
                findings.error(rule, "filter column '" + filter.column() + "' does not exist in " + table.qualifiedName()
                        + Suggestions.didYouMean(filter.column(), ExpressionTranslator.columnNames(table)));
                ok = false;
            } else if (!table.primaryKey().contains(filter.column())) {
                findings.warning(rule, "filters " + table.qualifiedName() + " on " + filter.column()
                        + ", which is not part of the primary key: rows updated across the filter's boundary are not"
                        + " moved in or out of the target; filter on columns that never change");
            }
        }
        return ok ? Optional.of(SourceFilter.sql(selected.filters())) : Optional.empty();
    }

    private ParallelLoad parallelLoad(SourceTable table, List<RuleRef> applied) {
        List<TableSettingsRule> matching = tableSettings.stream()
                .filter(r -> r.schema().equals(table.schema()) && r.table().equals(table.name())).toList();
        matching.forEach(r -> used.add(r.ref()));
        List<TableSettingsRule> loads = matching.stream().filter(r -> r.parallelLoad().isPresent()).toList();
        if (loads.isEmpty()) {
            return new ParallelLoad.None();
        }
        TableSettingsRule winner = loads.get(0);
        loads.subList(1, loads.size()).forEach(r -> findings.warning(r.ref(), "sets parallel-load for "
                + table.qualifiedName() + " as " + winner.ref().label() + " does; the lower rule-id wins"));
        applied.add(winner.ref());
        ParallelLoad load = winner.parallelLoad().orElseThrow();
        if (load instanceof ParallelLoad.Ranges ranges) {
            for (String column : ranges.columns()) {
                if (table.column(column).isEmpty()) {
                    findings.error(winner.ref(), "parallel-load column '" + column + "' does not exist in "
                            + table.qualifiedName() + Suggestions.didYouMean(column, ExpressionTranslator.columnNames(table)));
                }
            }
        } else if ((load instanceof ParallelLoad.PartitionsAuto || load instanceof ParallelLoad.PartitionsList)
                && table.kind() != SourceTableKind.PARTITIONED_TABLE) {
            findings.error(winner.ref(), "parallel-load by partitions needs a partitioned table; "
                    + table.qualifiedName() + " is a " + table.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        return load;
    }

    private PartitionRule partitionRule(SourceTable table, List<ColumnMapping> columns, Optional<PrimaryKeyDefinition> key) {
        TableName name = new TableName(table.schema(), table.name());
        PartitionRule configured = settings.partitions().tables().get(name);
        if (configured == null) {
            PartitionRule fallback = settings.partitions().defaultRule();
            return fallback instanceof PartitionRule.Merge && table.kind() != SourceTableKind.PARTITIONED_TABLE
                    ? new PartitionRule.Keep() : fallback;
        }
        usedPartitionEntries.add(name);
        return partitionChecks.check(table, configured, columns, key);
    }

    private static Optional<TransformationRule> first(List<TransformationRule> winners, Class<? extends TransformAction> kind) {
        return winners.stream().filter(r -> kind.isInstance(r.action())).findFirst();
    }
}
