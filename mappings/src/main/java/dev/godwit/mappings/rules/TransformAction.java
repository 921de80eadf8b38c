package dev.godwit.mappings.rules;

import dev.godwit.mappings.types.PgType;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a transformation rule does; {@link #dmsName()} is its {@code rule-action}. */
public sealed interface TransformAction {

    String dmsName();

    /** Whether two rules of this action with different parameters contradict each other (rather than repeat). */
    default boolean parameterised() {
        return true;
    }

    /** Actions that compute a new name from the current one. */
    sealed interface NameChange extends TransformAction {
        String apply(String name);
    }

    record Rename(String value) implements NameChange {
        public String dmsName() { return "rename"; }
        public String apply(String name) { return value; }
    }

    record ConvertLowercase() implements NameChange {
        public String dmsName() { return "convert-lowercase"; }
        public String apply(String name) { return name.toLowerCase(Locale.ROOT); }
        public boolean parameterised() { return false; }
    }

    record ConvertUppercase() implements NameChange {
        public String dmsName() { return "convert-uppercase"; }
        public String apply(String name) { return name.toUpperCase(Locale.ROOT); }
        public boolean parameterised() { return false; }
    }

    record AddPrefix(String value) implements NameChange {
        public String dmsName() { return "add-prefix"; }
        public String apply(String name) { return value + name; }
    }

    record RemovePrefix(String value) implements NameChange {
        public String dmsName() { return "remove-prefix"; }
        public String apply(String name) { return name.startsWith(value) ? name.substring(value.length()) : name; }
    }

    record ReplacePrefix(String oldValue, String value) implements NameChange {
        public String dmsName() { return "replace-prefix"; }
        public String apply(String name) {
            return name.startsWith(oldValue) ? value + name.substring(oldValue.length()) : name;
        }
    }

    record AddSuffix(String value) implements NameChange {
        public String dmsName() { return "add-suffix"; }
        public String apply(String name) { return name + value; }
    }

    record RemoveSuffix(String value) implements NameChange {
        public String dmsName() { return "remove-suffix"; }
        public String apply(String name) {
            return name.endsWith(value) ? name.substring(0, name.length() - value.length()) : name;
        }
    }

    record ReplaceSuffix(String oldValue, String value) implements NameChange {
        public String dmsName() { return "replace-suffix"; }
        public String apply(String name) {
            return name.endsWith(oldValue) ? name.substring(0, name.length() - oldValue.length()) + value : name;
        }
    }

    record RemoveColumn() implements TransformAction {
        public String dmsName() { return "remove-column"; }
        public boolean parameterised() { return false; }
    }

    /** Once any include-column rule reaches a table, only the columns such rules name are kept. */
    record IncludeColumn() implements TransformAction {
        public String dmsName() { return "include-column"; }
        public boolean parameterised() { return false; }
    }

    record ChangeDataType(PgType type) implements TransformAction {
        public String dmsName() { return "change-data-type"; }
    }

    /**
     * @param expression a PostgreSQL expression with DMS {@code $column} references still in it, or empty (NULL)
     * @param operationIndicator set when the expression is DMS's {@code operation_indicator(d, u, i)}
     */
    record AddColumn(String name, Optional<String> expression, PgType type,
                     Optional<OperationIndicator> operationIndicator) implements TransformAction {
        public String dmsName() { return "add-column"; }
    }

    record DefinePrimaryKey(PrimaryKeyDefinition key) implements TransformAction {
        public String dmsName() { return "define-primary-key"; }
    }

    /** All rule-action names godwit knows, for "expected one of" messages. */
    List<String> DMS_NAMES = List.of("rename", "remove-column", "include-column", "convert-lowercase",
            "convert-uppercase", "add-prefix", "remove-prefix", "replace-prefix", "add-suffix", "remove-suffix",
            "replace-suffix", "change-data-type", "add-column", "define-primary-key", "add-before-image-columns",
            "data-masking-digits-mask", "data-masking-digits-randomize", "data-masking-hash-mask");
}
