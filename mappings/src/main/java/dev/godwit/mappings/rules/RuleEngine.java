package dev.godwit.mappings.rules;

import dev.godwit.mappings.partition.TableName;
import dev.godwit.mappings.task.Settings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies table mappings and settings to a source catalog: which tables move, under which names, with which
 * columns, types, filters, keys, splits and partitioning. Pure: the same catalog always gives the same outcome.
 *
 * <p>A rule that reaches nothing in the catalog is an error, not a silent no-op: a misspelt name or a wrong case
 * otherwise shows up only after the migration, as a missing table or an unrenamed column.
 */
public final class RuleEngine {

    private final TableMappings mappings;
    private final Settings settings;

    public RuleEngine(TableMappings mappings, Settings settings) {
        this.mappings = mappings;
        this.settings = settings;
    }

    public MappingOutcome apply(List<SourceTable> catalog) {
        Findings findings = new Findings();
        mappings.ignoredRules().forEach(r -> findings.warning(r.ref(), r.reason()));
        mappings.tableSettingsRules().stream().filter(r -> r.lobSettings().isPresent()).forEach(r ->
                findings.warning(r.ref(), "lob-settings are not needed from PostgreSQL to PostgreSQL: godwit copies"
                        + " large values whole, never truncated; the setting is ignored"));
        List<Selection.Selected> selected = new Selection(mappings.selectionRules(), findings).select(catalog);
        if (selected.isEmpty()) {
            String message = "no table is selected: the selection rules match nothing in the source catalog";
            if (settings.failOnNoTablesCaptured()) {
                findings.error((String) null, message);
            } else {
                findings.warning((String) null, message + " (allowed by FailOnNoTablesCaptured: false)");
            }
        }
        Set<RuleRef> used = new HashSet<>();
        Set<TableName> usedPartitionEntries = new HashSet<>();
        TableMapper mapper = new TableMapper(mappings.transformationRules(), mappings.tableSettingsRules(), settings,
                findings, used, usedPartitionEntries);
        List<TableMapping> tables = new ArrayList<>();
        for (Selection.Selected s : selected) {
            tables.add(mapper.map(s));
            warnAboutKind(s.table(), findings);
        }
        reportUnused(catalog, selected, used, usedPartitionEntries, findings);
        checkDistinctTargets(tables, findings);
        tables.sort(Comparator.comparingLong(TableMapping::loadOrder).reversed()
                .thenComparing(t -> t.source().schema()).thenComparing(t -> t.source().name()));
        return new MappingOutcome(tables, findings.errors(), findings.warnings());
    }

    private static void warnAboutKind(SourceTable table, Findings findings) {
        switch (table.kind()) {
            case VIEW, MATERIALIZED_VIEW -> findings.warning((String) null, table.qualifiedName() + " is a "
                    + (table.kind() == SourceTableKind.VIEW ? "view" : "materialized view")
                    + ": it is copied once, as a plain table, during the full load; CDC does not keep it in sync");
            case FOREIGN_TABLE -> findings.warning((String) null, table.qualifiedName() + " is a foreign table: its"
                    + " rows are read from the remote server during the full load; CDC does not see their changes");
            default -> {
            }
        }
    }

    private void reportUnused(List<SourceTable> catalog, List<Selection.Selected> selected, Set<RuleRef> used,
                              Set<TableName> usedPartitionEntries, Findings findings) {
        Set<String> selectedNames = new HashSet<>();
        selected.forEach(s -> selectedNames.add(s.table().qualifiedName()));
        for (TransformationRule rule : mappings.transformationRules()) {
            if (used.contains(rule.ref())) {
                continue;
            }
            ObjectLocator locator = rule.locator();
            boolean tableReached = rule.target() != RuleTarget.SCHEMA && selected.stream().anyMatch(s ->
                    locator.schema().matches(s.table().schema()) && locator.table().orElseThrow().matches(s.table().name()));
            StringBuilder message = new StringBuilder(rule.action().dmsName()).append(" matches ");
            if (tableReached && locator.column().isPresent()) {
                message.append("no column: looked for column-name '").append(locator.column().get().text()).append("'");
                locator.dataType().ifPresent(t -> message.append(" of data-type '").append(t).append("'"));
                message.append(" in tables matching schema-name '").append(locator.schema().text())
                        .append("' and table-name '").append(locator.table().orElseThrow().text()).append("'");
            } else if (rule.target() == RuleTarget.SCHEMA) {
                message.append("no selected table: looked for schema-name '").append(locator.schema().text()).append("'");
            } else {
                message.append("no selected table: looked for schema-name '").append(locator.schema().text())
                        .append("' and table-name '").append(locator.table().orElseThrow().text()).append("'");
                unselectedMatch(catalog, selectedNames, locator).ifPresent(t -> message.append("; ")
                        .append(t).append(" exists but no selection rule includes it"));
            }
            findings.error(rule.ref(), message.toString());
        }
        for (TableSettingsRule rule : mappings.tableSettingsRules()) {
            if (!used.contains(rule.ref())) {
                findings.error(rule.ref(), "table-settings rule matches no selected table: looked for "
                        + rule.schema() + "." + rule.table());
            }
        }
        for (TableName name : settings.partitions().tables().keySet()) {
            if (!usedPartitionEntries.contains(name)) {
                findings.error("settings.partitions.tables." + name, "names no selected table: looked for " + name);
            }
        }
    }

    private static Optional<String> unselectedMatch(List<SourceTable> catalog, Set<String> selectedNames,
                                                    ObjectLocator locator) {
        return catalog.stream()
                .filter(t -> !selectedNames.contains(t.qualifiedName()))
                .filter(t -> locator.schema().matches(t.schema()) && locator.table().orElseThrow().matches(t.name()))
                .map(SourceTable::qualifiedName).findFirst();
    }

    /** DMS cannot merge two source tables into one target table, and neither can godwit. */
    private static void checkDistinctTargets(List<TableMapping> tables, Findings findings) {
        Map<String, TableMapping> seen = new HashMap<>();
        for (TableMapping table : tables) {
            String target = table.targetKey();
            TableMapping other = seen.putIfAbsent(target, table);
            if (other != null) {
                findings.error((String) null, "source tables " + other.source().qualifiedName() + " and "
                        + table.source().qualifiedName() + " would both land in target table " + target
                        + "; each target table needs one source table");
            }
        }
    }
}
