package dev.godwit.mappings.dms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godwit.mappings.rules.IgnoredRule;
import dev.godwit.mappings.rules.NamePattern;
import dev.godwit.mappings.rules.ObjectLocator;
import dev.godwit.mappings.rules.OperationIndicator;
import dev.godwit.mappings.rules.PrimaryKeyDefinition;
import dev.godwit.mappings.rules.RuleRef;
import dev.godwit.mappings.rules.RuleTarget;
import dev.godwit.mappings.rules.TransformAction;
import dev.godwit.mappings.rules.TransformationRule;
import dev.godwit.mappings.task.Doc;
import dev.godwit.mappings.text.Suggestions;
import dev.godwit.mappings.types.DataTypeSpec;
import dev.godwit.mappings.types.DmsTypes;
import dev.godwit.mappings.types.PgType;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one {@code transformation} rule. */
final class TransformationRuleReader {

    private static final Set<String> NAME_ACTIONS = Set.of("rename", "convert-lowercase", "convert-uppercase",
            "add-prefix", "remove-prefix", "replace-prefix", "add-suffix", "remove-suffix", "replace-suffix");
    private static final Set<String> COLUMN_ACTIONS = Set.of("remove-column", "include-column", "change-data-type",
            "add-column", "add-before-image-columns", "data-masking-digits-mask", "data-masking-digits-randomize",
            "data-masking-hash-mask");
    private static final String LITERAL = "'((?:[^']|'')*)'";
    private static final Pattern OPERATION_INDICATOR = Pattern.compile("\\s*operation_indicator\\s*\\(\\s*" + LITERAL
            + "\\s*,\\s*" + LITERAL + "\\s*,\\s*" + LITERAL + "\\s*\\)\\s*", Pattern.CASE_INSENSITIVE);

    private final Doc doc;

    TransformationRuleReader(Doc doc) {
        this.doc = doc;
    }

    void read(JsonNode rule, String path, RuleRef ref, List<TransformationRule> rules, List<IgnoredRule> ignored) {
        int before = doc.problems().size();
        Optional<RuleTarget> target = target(rule, path);
        Optional<String> action = doc.requiredText(rule, "rule-action", path,
                "one of: " + Doc.oneOf(TransformAction.DMS_NAMES));
        if (target.isEmpty() || action.isEmpty()) {
            return;
        }
        if (!TransformAction.DMS_NAMES.contains(action.get())) {
            doc.error(Doc.child(path, "rule-action"), "unknown rule-action '" + action.get() + "'"
                    + Suggestions.didYouMean(action.get(), TransformAction.DMS_NAMES)
                    + "; expected one of: " + Doc.oneOf(TransformAction.DMS_NAMES));
            return;
        }
        if (target.get() == RuleTarget.TABLE_TABLESPACE || target.get() == RuleTarget.INDEX_TABLESPACE) {
            ignored.add(new IgnoredRule(ref, "rule-target " + target.get().dmsName()
                    + " applies only to Oracle targets, not to PostgreSQL targets"));
            return;
        }
        if (action.get().equals("add-before-image-columns")) {
            ignored.add(new IgnoredRule(ref, "add-before-image-columns applies only to streaming targets"
                    + " (Kinesis, Kafka), not to PostgreSQL targets"));
            return;
        }
        if (action.get().startsWith("data-masking-")) {
            doc.error(Doc.child(path, "rule-action"), action.get() + " is not supported by godwit; the column would"
                    + " be copied unmasked. Mask it with add-column and an expression, and remove-column the original");
            return;
        }
        if (!targetFits(action.get(), target.get(), path)) {
            return;
        }
        Optional<ObjectLocator> locator = locator(rule, path, target.get(), action.get());
        Optional<TransformAction> transformAction = action(rule, path, action.get(), target.get());
        if (doc.problems().size() == before && locator.isPresent() && transformAction.isPresent()) {
            rules.add(new TransformationRule(ref, target.get(), locator.get(), transformAction.get()));
        }
    }

    private Optional<RuleTarget> target(JsonNode rule, String path) {
        Optional<String> text = doc.requiredText(rule, "rule-target", path, "one of: " + Doc.oneOf(RuleTarget.dmsNames()));
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<RuleTarget> target = RuleTarget.fromDms(text.get());
        if (target.isEmpty()) {
            doc.error(Doc.child(path, "rule-target"), "unknown rule-target '" + text.get() + "'"
                    + Suggestions.didYouMean(text.get(), RuleTarget.dmsNames())
                    + "; expected one of: " + Doc.oneOf(RuleTarget.dmsNames()));
        }
        return target;
    }

    private boolean targetFits(String action, RuleTarget target, String path) {
        String expected = null;
        if (COLUMN_ACTIONS.contains(action) && target != RuleTarget.COLUMN) {
            expected = "column";
        } else if (action.equals("define-primary-key") && target != RuleTarget.TABLE) {
            expected = "table";
        }
        if (expected != null) {
            doc.error(Doc.child(path, "rule-target"), "rule-action " + action + " needs rule-target " + expected
                    + "; found '" + target.dmsName() + "'");
            return false;
        }
        return true;
    }

    private Optional<ObjectLocator> locator(JsonNode rule, String path, RuleTarget target, String action) {
        String locatorPath = Doc.child(path, "object-locator");
        JsonNode locator = rule.get("object-locator");
        if (Doc.absent(locator)) {
            doc.error(locatorPath, "missing; expected an object with schema-name"
                    + (target == RuleTarget.SCHEMA ? "" : " and table-name"));
            return Optional.empty();
        }
        if (doc.object(locator, locatorPath).isEmpty()) {
            return Optional.empty();
        }
        doc.checkKeys(locator, locatorPath, List.of("schema-name", "table-name", "column-name", "data-type"),
                "object-locator key");
        Optional<NamePattern> schema = DmsTableMappingsReader.pattern(locator, "schema-name", locatorPath, doc);
        Optional<NamePattern> table = Optional.empty();
        if (target != RuleTarget.SCHEMA) {
            table = DmsTableMappingsReader.pattern(locator, "table-name", locatorPath, doc);
        } else if (!Doc.absent(locator.get("table-name"))) {
            doc.error(Doc.child(locatorPath, "table-name"), "a rule with rule-target schema names only a schema-name");
        }
        Optional<NamePattern> column = Optional.empty();
        boolean namesColumns = target == RuleTarget.COLUMN && !action.equals("add-column");
        if (namesColumns) {
            column = DmsTableMappingsReader.pattern(locator, "column-name", locatorPath, doc);
        } else if (!Doc.absent(locator.get("column-name"))) {
            doc.error(Doc.child(locatorPath, "column-name"), action.equals("add-column")
                    ? "add-column names the new column in value, not in object-locator.column-name"
                    : "only rules with rule-target column name a column-name");
        }
        Optional<String> dataType = doc.text(locator.get("data-type"), Doc.child(locatorPath, "data-type"));
        if (dataType.isPresent() && !namesColumns) {
            doc.error(Doc.child(locatorPath, "data-type"), "object-locator.data-type narrows column rules only");
        }
        if (action.equals("define-primary-key")) {
            requireExact(schema, locatorPath, "schema-name");
            requireExact(table, locatorPath, "table-name");
        }
        if (schema.isEmpty() || (target != RuleTarget.SCHEMA && table.isEmpty()) || (namesColumns && column.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(new ObjectLocator(schema.get(), table, column, dataType));
    }

    private void requireExact(Optional<NamePattern> pattern, String locatorPath, String key) {
        if (pattern.isPresent() && pattern.get().exactName().isEmpty()) {
            doc.error(Doc.child(locatorPath, key), "found the wildcard pattern '" + pattern.get().text()
                    + "'; define-primary-key needs an exact schema and table name");
        }
    }

    private Optional<TransformAction> action(JsonNode rule, String path, String action, RuleTarget target) {
        return switch (action) {
            case "rename" -> nonEmptyValue(rule, path, "the new name").map(TransformAction.Rename::new);
            case "convert-lowercase" -> Optional.of(new TransformAction.ConvertLowercase());
            case "convert-uppercase" -> Optional.of(new TransformAction.ConvertUppercase());
            case "add-prefix" -> nonEmptyValue(rule, path, "the prefix to add").map(TransformAction.AddPrefix::new);
            case "remove-prefix" -> nonEmptyValue(rule, path, "the prefix to remove").map(TransformAction.RemovePrefix::new);
            case "add-suffix" -> nonEmptyValue(rule, path, "the suffix to add").map(TransformAction.AddSuffix::new);
            case "remove-suffix" -> nonEmptyValue(rule, path, "the suffix to remove").map(TransformAction.RemoveSuffix::new);
            case "replace-prefix" -> replace(rule, path, true);
            case "replace-suffix" -> replace(rule, path, false);
            case "remove-column" -> Optional.of(new TransformAction.RemoveColumn());
            case "include-column" -> Optional.of(new TransformAction.IncludeColumn());
            case "change-data-type" -> dataType(rule, path).map(TransformAction.ChangeDataType::new);
            case "add-column" -> addColumn(rule, path);
            case "define-primary-key" -> primaryKey(rule, path);
            default -> throw new IllegalStateException("unhandled rule-action " + action + " for " + target);
        };
    }

    private Optional<String> nonEmptyValue(JsonNode rule, String path, String expected) {
        return doc.requiredText(rule, "value", path, expected);
    }

    private Optional<TransformAction> replace(JsonNode rule, String path, boolean prefix) {
        Optional<String> oldValue = doc.requiredText(rule, "old-value", path, "the " + (prefix ? "prefix" : "suffix")
                + " to replace");
        if (Doc.absent(rule.get("value"))) {
            doc.error(Doc.child(path, "value"), "missing; expected the replacement (\"\" removes old-value)");
            return Optional.empty();
        }
        Optional<String> value = doc.text(rule.get("value"), Doc.child(path, "value"));
        if (oldValue.isEmpty() || value.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(prefix ? new TransformAction.ReplacePrefix(oldValue.get(), value.get())
                : new TransformAction.ReplaceSuffix(oldValue.get(), value.get()));
    }

    private Optional<PgType> dataType(JsonNode rule, String path) {
        String typePath = Doc.child(path, "data-type");
        JsonNode node = rule.get("data-type");
        if (Doc.absent(node)) {
            doc.error(typePath, "missing; expected an object such as {\"type\": \"string\", \"length\": 50}");
            return Optional.empty();
        }
        if (doc.object(node, typePath).isEmpty()) {
            return Optional.empty();
        }
        doc.checkKeys(node, typePath, DmsRuleKeys.DATA_TYPE, "data-type key");
        int before = doc.problems().size();
        Optional<String> type = doc.requiredText(node, "type", typePath, "a DMS type (" + Doc.oneOf(
                DmsTypes.NAMES.stream().sorted().toList()) + ") or a PostgreSQL type name");
        OptionalInt precision = small(doc.integer(node.get("precision"), Doc.child(typePath, "precision")));
        OptionalInt scale = small(doc.integer(node.get("scale"), Doc.child(typePath, "scale")));
        OptionalInt length = small(doc.integer(node.get("length"), Doc.child(typePath, "length")));
        if (type.isEmpty() || doc.problems().size() > before) {
            return Optional.empty();
        }
        try {
            return Optional.of(DmsTypes.toPostgres(new DataTypeSpec(type.get(), precision, scale, length)));
        } catch (IllegalArgumentException e) {
            doc.error(typePath, e.getMessage());
            return Optional.empty();
        }
    }

    private static OptionalInt small(OptionalLong value) {
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value.getAsLong())));
    }

    private Optional<TransformAction> addColumn(JsonNode rule, String path) {
        Optional<String> name = nonEmptyValue(rule, path, "the name of the column to add");
        Optional<PgType> type = dataType(rule, path);
        String expressionPath = Doc.child(path, "expression");
        Optional<String> expression = doc.text(rule.get("expression"), expressionPath).filter(e -> !e.isBlank());
        Optional<OperationIndicator> indicator = Optional.empty();
        if (expression.isPresent()) {
            String text = expression.get();
            Matcher matcher = OPERATION_INDICATOR.matcher(text);
            if (matcher.matches()) {
                indicator = Optional.of(new OperationIndicator(unquote(matcher.group(1)), unquote(matcher.group(2)),
                        unquote(matcher.group(3))));
            } else if (text.toLowerCase(java.util.Locale.ROOT).contains("operation_indicator")) {
                doc.error(expressionPath, "operation_indicator('D', 'U', 'I') must be the whole expression, with three"
                        + " string literals");
            }
            checkExpression(text, expressionPath);
        }
        if (name.isEmpty() || type.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TransformAction.AddColumn(name.get(), expression, type.get(), indicator));
    }

    private void checkExpression(String text, String path) {
        if (text.indexOf('\u2018') >= 0 || text.indexOf('\u2019') >= 0) {
            doc.error(path, "holds typographic quotes (\u2018 \u2019); string literals need plain single quotes (')");
        }
        Matcher header = Pattern.compile("\\$AR_H_[A-Z_]+|\\$AR_M_SOURCE_COLUMN_[A-Z_]+").matcher(text);
        if (header.find()) {
            doc.error(path, header.group() + " is not supported; godwit supports $AR_M_SOURCE_SCHEMA and"
                    + " $AR_M_SOURCE_TABLE_NAME and $column references");
        }
    }

    private static String unquote(String literalBody) {
        return literalBody.replace("''", "'");
    }

    private Optional<TransformAction> primaryKey(JsonNode rule, String path) {
        String defPath = Doc.child(path, "primary-key-def");
        JsonNode def = rule.get("primary-key-def");
        if (Doc.absent(def)) {
            doc.error(defPath, "missing; expected {\"name\": …, \"origin\": \"primary-key\", \"columns\": […]}");
            return Optional.empty();
        }
        if (doc.object(def, defPath).isEmpty()) {
            return Optional.empty();
        }
        doc.checkKeys(def, defPath, DmsRuleKeys.PRIMARY_KEY_DEF, "primary-key-def key");
        Optional<String> name = doc.requiredText(def, "name", defPath, "the constraint or index name");
        PrimaryKeyDefinition.Origin origin = PrimaryKeyDefinition.Origin.PRIMARY_KEY;
        Optional<String> originText = doc.text(def.get("origin"), Doc.child(defPath, "origin"));
        if (originText.isPresent()) {
            switch (originText.get()) {
                case "primary-key" -> origin = PrimaryKeyDefinition.Origin.PRIMARY_KEY;
                case "unique-index" -> origin = PrimaryKeyDefinition.Origin.UNIQUE_INDEX;
                default -> {
                    doc.error(Doc.child(defPath, "origin"), "unknown origin '" + originText.get()
                            + "'; expected primary-key or unique-index");
                    return Optional.empty();
                }
            }
        }
        String columnsPath = Doc.child(defPath, "columns");
        Optional<List<String>> columns = doc.textList(def.get("columns"), columnsPath);
        if (columns.isPresent() && columns.get().isEmpty() || Doc.absent(def.get("columns"))) {
            doc.error(columnsPath, "missing or empty; expected the key's column names in order");
            return Optional.empty();
        }
        if (name.isEmpty() || columns.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TransformAction.DefinePrimaryKey(new PrimaryKeyDefinition(name.get(), origin, columns.get())));
    }
}
