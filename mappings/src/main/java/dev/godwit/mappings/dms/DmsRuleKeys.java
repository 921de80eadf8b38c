package dev.godwit.mappings.dms;

import java.util.List;

/** Key names DMS table-mapping documents use. Anything else is most likely a typo, and is reported as one. */
final class DmsRuleKeys {

    static final List<String> RULE = List.of("rule-type", "rule-id", "rule-name", "rule-action", "rule-target",
            "object-locator", "filters", "load-order", "value", "old-value", "expression", "data-type",
            "primary-key-def", "before-image-def", "parallel-load", "lob-settings", "source-function",
            "target-function", "mapping-parameters", "rule-description");

    static final List<String> LOCATOR = List.of("schema-name", "table-name", "column-name", "data-type", "table-type",
            "table-tablespace-name", "index-tablespace-name");

    static final List<String> RULE_TYPES = List.of("selection", "transformation", "table-settings", "validation",
            "post-processing", "object-mapping");

    static final List<String> FILTER = List.of("filter-type", "column-name", "filter-conditions");

    static final List<String> CONDITION = List.of("filter-operator", "value", "start-value", "end-value");

    static final List<String> DATA_TYPE = List.of("type", "precision", "scale", "length");

    static final List<String> PRIMARY_KEY_DEF = List.of("name", "origin", "columns");

    static final List<String> PARALLEL_LOAD = List.of("type", "columns", "boundaries", "partitions", "subpartitions",
            "number-of-partitions", "collection-count-from-metadata", "max-records-skip-per-page", "batch-size");

    static final List<String> PARALLEL_LOAD_TYPES = List.of("ranges", "partitions-auto", "partitions-list", "none",
            "subpartitions-auto");

    static final List<String> LOB_SETTINGS = List.of("mode", "bulk-max-size");

    private DmsRuleKeys() {
    }
}
