package dev.godwit.mappings.rules;

import java.util.List;

/** A whole table-mapping document, read and checked, in rule-id order within each kind. */
public record TableMappings(List<SelectionRule> selectionRules, List<TransformationRule> transformationRules,
                            List<TableSettingsRule> tableSettingsRules, List<IgnoredRule> ignoredRules) {

    public TableMappings {
        selectionRules = List.copyOf(selectionRules);
        transformationRules = List.copyOf(transformationRules);
        tableSettingsRules = List.copyOf(tableSettingsRules);
        ignoredRules = List.copyOf(ignoredRules);
    }
}
