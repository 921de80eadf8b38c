package dev.godwit.mappings.rules;

/** {@code rule-action} of a selection rule. */
public enum SelectionAction {
    INCLUDE("include"), EXCLUDE("exclude"), EXPLICIT("explicit");

    private final String dmsName;

    SelectionAction(String dmsName) {
        this.dmsName = dmsName;
    }

    public String dmsName() {
        return dmsName;
    }
}
