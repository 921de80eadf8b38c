package dev.godwit.mappings.rules;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** {@code filter-operator}: the nine DMS operators; {@code ste} and {@code lte} are two spellings of the same. */
public enum FilterOperator {
    EQ("eq", 1), NOTEQ("noteq", 1), GTE("gte", 1), STE("ste", 1), LTE("lte", 1),
    BETWEEN("between", 2), NOTBETWEEN("notbetween", 2), NULL("null", 0), NOTNULL("notnull", 0);

    private final String dmsName;
    private final int operands;

    FilterOperator(String dmsName, int operands) {
        this.dmsName = dmsName;
        this.operands = operands;
    }

    public String dmsName() {
        return dmsName;
    }

    /** 0: none; 1: {@code value}; 2: {@code start-value} and {@code end-value}. */
    public int operands() {
        return operands;
    }

    /** DMS allows a negative operator only as the sole condition of its filter. */
    public boolean negative() {
        return this == NOTEQ || this == NOTBETWEEN || this == NOTNULL;
    }

    public static Optional<FilterOperator> fromDms(String name) {
        return Arrays.stream(values()).filter(o -> o.dmsName.equals(name)).findFirst();
    }

    public static List<String> dmsNames() {
        return Arrays.stream(values()).map(FilterOperator::dmsName).toList();
    }
}
