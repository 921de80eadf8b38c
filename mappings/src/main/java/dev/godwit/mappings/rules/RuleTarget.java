package dev.godwit.mappings.rules;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** {@code rule-target} of a transformation rule. The tablespace targets are for Oracle targets only. */
public enum RuleTarget {
    SCHEMA("schema"), TABLE("table"), COLUMN("column"), TABLE_TABLESPACE("table-tablespace"),
    INDEX_TABLESPACE("index-tablespace");

    private final String dmsName;

    RuleTarget(String dmsName) {
        this.dmsName = dmsName;
    }

    public String dmsName() {
        return dmsName;
    }

    public static Optional<RuleTarget> fromDms(String name) {
        return Arrays.stream(values()).filter(t -> t.dmsName.equals(name)).findFirst();
    }

    public static List<String> dmsNames() {
        return Arrays.stream(values()).map(RuleTarget::dmsName).toList();
    }
}
