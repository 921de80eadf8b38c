package dev.godwit.mappings.dms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godwit.mappings.rules.LobSettings;
import dev.godwit.mappings.rules.NamePattern;
import dev.godwit.mappings.rules.ParallelLoad;
import dev.godwit.mappings.rules.RuleRef;
import dev.godwit.mappings.rules.TableSettingsRule;
import dev.godwit.mappings.task.Doc;
import dev.godwit.mappings.text.Suggestions;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads one {@code table-settings} rule. */
final class TableSettingsRuleReader {

    private static final int MAX_RANGE_COLUMNS = 10;

    private final Doc doc;

    TableSettingsRuleReader(Doc doc) {
        this.doc = doc;
    }

    Optional<TableSettingsRule> read(JsonNode rule, String path, RuleRef ref) {
        int before = doc.problems().size();
        String locatorPath = Doc.child(path, "object-locator");
        JsonNode locator = rule.get("object-locator");
        if (doc.requiredObject(locator, locatorPath, "an object with schema-name and table-name").isEmpty()) {
            return Optional.empty();
        }
        doc.checkKeys(locator, locatorPath, List.of("schema-name", "table-name"), "object-locator key");
        Optional<String> schema = exact(locator, locatorPath, "schema-name", ref);
        Optional<String> table = exact(locator, locatorPath, "table-name", ref);
        Optional<ParallelLoad> parallelLoad = parallelLoad(rule.get("parallel-load"), Doc.child(path, "parallel-load"));
        Optional<LobSettings> lob = lobSettings(rule.get("lob-settings"), Doc.child(path, "lob-settings"));
        if (Doc.absent(rule.get("parallel-load")) && Doc.absent(rule.get("lob-settings"))) {
            doc.error(path, "the table-settings rule sets nothing; expected parallel-load or lob-settings");
        }
        if (doc.problems().size() > before || schema.isEmpty() || table.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TableSettingsRule(ref, schema.get(), table.get(), parallelLoad, lob));
    }

    private Optional<String> exact(JsonNode locator, String locatorPath, String key, RuleRef ref) {
        Optional<NamePattern> pattern = DmsTableMappingsReader.pattern(locator, key, locatorPath, doc);
        if (pattern.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> name = pattern.get().exactName();
        if (name.isEmpty()) {
            // The gist of DMS's own message, which rejects the whole mapping for this.
            doc.error(Doc.child(locatorPath, key), "found the wildcard pattern '" + pattern.get().text()
                    + "'; exact schema and table name required when using table settings rule (DMS: \"Rule with"
                    + " ruleId = " + ref.id() + " failed validation\")");
        }
        return name;
    }

    private Optional<ParallelLoad> parallelLoad(JsonNode node, String path) {
        if (doc.object(node, path).isEmpty()) {
            return Optional.empty();
        }
        doc.checkKeys(node, path, DmsRuleKeys.PARALLEL_LOAD, "parallel-load key");
        Optional<String> type = doc.requiredText(node, "type", path, "one of: " + Doc.oneOf(DmsRuleKeys.PARALLEL_LOAD_TYPES));
        if (type.isEmpty()) {
            return Optional.empty();
        }
        return switch (type.get()) {
            case "none" -> Optional.of(new ParallelLoad.None());
            case "partitions-auto" -> Optional.of(new ParallelLoad.PartitionsAuto());
            case "partitions-list" -> partitionsList(node, path);
            case "ranges" -> ranges(node, path);
            case "subpartitions-auto" -> {
                doc.error(Doc.child(path, "type"), "subpartitions-auto applies only to Oracle sources; PostgreSQL"
                        + " partitions have no subpartitions (use partitions-auto)");
                yield Optional.empty();
            }
            default -> {
                doc.error(Doc.child(path, "type"), "unknown parallel-load type '" + type.get() + "'"
                        + Suggestions.didYouMean(type.get(), DmsRuleKeys.PARALLEL_LOAD_TYPES)
                        + "; expected one of: " + Doc.oneOf(DmsRuleKeys.PARALLEL_LOAD_TYPES));
                yield Optional.empty();
            }
        };
    }

    private Optional<ParallelLoad> partitionsList(JsonNode node, String path) {
        if (!Doc.absent(node.get("subpartitions"))) {
            doc.error(Doc.child(path, "subpartitions"), "subpartitions apply only to Oracle sources");
        }
        Optional<List<String>> partitions = doc.textList(node.get("partitions"), Doc.child(path, "partitions"));
        if (partitions.isEmpty() || partitions.get().isEmpty()) {
            if (Doc.absent(node.get("partitions")) || partitions.isPresent()) {
                doc.error(Doc.child(path, "partitions"), "missing or empty; expected the names of the partitions to"
                        + " load in parallel");
            }
            return Optional.empty();
        }
        return Optional.of(new ParallelLoad.PartitionsList(partitions.get()));
    }

    private Optional<ParallelLoad> ranges(JsonNode node, String path) {
        String columnsPath = Doc.child(path, "columns");
        Optional<List<String>> columns = doc.textList(node.get("columns"), columnsPath);
        if (Doc.absent(node.get("columns")) || columns.isPresent() && columns.get().isEmpty()) {
            doc.error(columnsPath, "missing or empty; expected 1 to 10 column names, most significant first");
            return Optional.empty();
        }
        if (columns.isPresent() && columns.get().size() > MAX_RANGE_COLUMNS) {
            doc.error(columnsPath, "found " + columns.get().size() + " columns; expected at most " + MAX_RANGE_COLUMNS);
        }
        String boundariesPath = Doc.child(path, "boundaries");
        List<JsonNode> list = doc.array(node.get("boundaries"), boundariesPath).orElse(List.of());
        if (list.isEmpty()) {
            doc.error(boundariesPath, "missing or empty; expected a list of upper bounds, each a list with one value"
                    + " per column, e.g. [[\"1000\"], [\"2000\"]]");
            return Optional.empty();
        }
        List<List<String>> boundaries = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String boundPath = Doc.index(boundariesPath, i);
            Optional<List<String>> bound = doc.textList(list.get(i), boundPath);
            if (bound.isPresent() && columns.isPresent() && bound.get().size() != columns.get().size()) {
                doc.error(boundPath, "found " + bound.get().size() + " values; expected one per column ("
                        + columns.get().size() + ": " + String.join(", ", columns.get()) + ")");
            }
            bound.ifPresent(boundaries::add);
        }
        return columns.map(c -> new ParallelLoad.Ranges(c, boundaries));
    }

    private Optional<LobSettings> lobSettings(JsonNode node, String path) {
        if (doc.object(node, path).isEmpty()) {
            return Optional.empty();
        }
        doc.checkKeys(node, path, DmsRuleKeys.LOB_SETTINGS, "lob-settings key");
        String mode = doc.text(node.get("mode"), Doc.child(path, "mode")).orElse("limited");
        if (!List.of("limited", "unlimited", "none").contains(mode)) {
            doc.error(Doc.child(path, "mode"), "unknown mode '" + mode + "'; expected limited, unlimited or none");
        }
        OptionalLong bulk = doc.integer(node.get("bulk-max-size"), Doc.child(path, "bulk-max-size"), 0, Long.MAX_VALUE);
        return Optional.of(new LobSettings(mode, bulk));
    }
}
