package dev.godwit.mappings.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.partition.PartitionSettings;
import dev.godwit.mappings.partition.TableName;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Reads the {@code partitions} setting. */
final class PartitionSettingsParser {

    private static final List<String> KEYS = List.of("default", "tables");
    private static final List<String> RULE_KEYS = List.of("mode", "strategy", "column", "interval", "values", "partitions");
    private static final Pattern INTERVAL = Pattern.compile(
            "\\d+|\\d+\\s+(year|years|month|months|week|weeks|day|days|hour|hours|minute|minutes)");
    private static final int MAX_HASH_PARTITIONS = 1024;

    private final Doc doc;

    PartitionSettingsParser(Doc doc) {
        this.doc = doc;
    }

    Optional<PartitionSettings> parse(JsonNode node, String path) {
        if (doc.object(node, path).isEmpty()) {
            return Optional.empty();
        }
        doc.checkKeys(node, path, KEYS, "partitions setting");
        PartitionRule defaultRule = doc.text(node.get("default"), Doc.child(path, "default")).flatMap(text -> {
            switch (text) {
                case "keep":
                    return Optional.of((PartitionRule) new PartitionRule.Keep());
                case "merge":
                    return Optional.of((PartitionRule) new PartitionRule.Merge());
                default:
                    doc.error(Doc.child(path, "default"), "found '" + text + "'; expected keep or merge"
                            + (text.equals("repartition") ? " (repartition needs a column, so it is set per table)" : ""));
                    return Optional.empty();
            }
        }).orElse(new PartitionRule.Keep());
        Map<TableName, PartitionRule> tables = new LinkedHashMap<>();
        String tablesPath = Doc.child(path, "tables");
        doc.object(node.get("tables"), tablesPath).ifPresent(map -> {
            Iterator<Map.Entry<String, JsonNode>> entries = map.properties().iterator();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                String entryPath = Doc.child(tablesPath, entry.getKey());
                Optional<TableName> name = TableName.parse(entry.getKey());
                if (name.isEmpty()) {
                    doc.error(entryPath, "found table '" + entry.getKey() + "'; expected schema.table (double-quote"
                            + " a part that holds a dot)");
                    continue;
                }
                rule(entry.getValue(), entryPath).ifPresent(rule -> tables.put(name.get(), rule));
            }
        });
        return Optional.of(new PartitionSettings(defaultRule, tables));
    }

    private Optional<PartitionRule> rule(JsonNode node, String path) {
        if (node.isTextual()) {
            return switch (node.asText()) {
                case "keep" -> Optional.of(new PartitionRule.Keep());
                case "merge" -> Optional.of(new PartitionRule.Merge());
                default -> {
                    doc.error(path, "found '" + node.asText() + "'; expected keep, merge, or an object such as"
                            + " {mode: repartition, strategy: range, column: created_at, interval: 1 month}");
                    yield Optional.empty();
                }
            };
        }
        if (doc.object(node, path).isEmpty()) {
            return Optional.empty();
        }
        doc.checkKeys(node, path, RULE_KEYS, "partition rule key");
        Optional<String> mode = doc.text(node.get("mode"), Doc.child(path, "mode"));
        if (mode.isPresent() && !mode.get().equals("repartition")) {
            if (mode.get().equals("keep") || mode.get().equals("merge")) {
                if (!Doc.absent(node.get("strategy"))) {
                    doc.error(Doc.child(path, "strategy"), "a strategy applies only to mode repartition; found mode "
                            + mode.get());
                    return Optional.empty();
                }
                return Optional.of(mode.get().equals("keep") ? new PartitionRule.Keep() : new PartitionRule.Merge());
            }
            doc.error(Doc.child(path, "mode"), "found '" + mode.get() + "'; expected keep, merge or repartition");
            return Optional.empty();
        }
        int before = doc.problems().size();
        Optional<String> strategy = doc.requiredText(node, "strategy", path, "range, list or hash");
        Optional<String> column = doc.requiredText(node, "column", path, "the column to partition by");
        if (strategy.isEmpty() || column.isEmpty()) {
            return Optional.empty();
        }
        Optional<PartitionRule.Strategy> result = switch (strategy.get()) {
            case "range" -> range(node, path, column.get());
            case "list" -> list(node, path, column.get());
            case "hash" -> hash(node, path, column.get());
            default -> {
                doc.error(Doc.child(path, "strategy"), "found '" + strategy.get() + "'; expected range, list or hash");
                yield Optional.empty();
            }
        };
        if (doc.problems().size() > before) {
            return Optional.empty();
        }
        return result.map(PartitionRule.Repartition::new);
    }

    private Optional<PartitionRule.Strategy> range(JsonNode node, String path, String column) {
        Optional<String> interval = doc.requiredText(node, "interval", path,
                "the width of each partition, e.g. 1 month, or a number for an integer column");
        if (interval.isEmpty()) {
            return Optional.empty();
        }
        String normalised = interval.get().trim().replaceAll("\\s+", " ");
        if (!INTERVAL.matcher(normalised).matches() || normalised.matches("0+( .*)?")) {
            doc.error(Doc.child(path, "interval"), "found '" + interval.get() + "'; expected a positive number of"
                    + " years, months, weeks, days, hours or minutes (e.g. 1 month), or a positive whole number");
            return Optional.empty();
        }
        return Optional.of(new PartitionRule.Range(column, normalised));
    }

    private Optional<PartitionRule.Strategy> list(JsonNode node, String path, String column) {
        String valuesPath = Doc.child(path, "values");
        Optional<List<JsonNode>> groups = doc.array(node.get("values"), valuesPath);
        if (groups.isEmpty() || groups.get().isEmpty()) {
            doc.error(valuesPath, "missing or empty; expected one list of values per partition, e.g. [[eu, uk], [us]]");
            return Optional.empty();
        }
        List<List<String>> valueGroups = new ArrayList<>();
        for (int i = 0; i < groups.get().size(); i++) {
            JsonNode group = groups.get().get(i);
            String groupPath = Doc.index(valuesPath, i);
            if (group.isValueNode()) {
                // A plain value is a partition of its own: values: [eu, us] means [[eu], [us]].
                doc.text(group, groupPath).ifPresent(v -> valueGroups.add(List.of(v)));
            } else {
                doc.textList(group, groupPath).ifPresent(values -> {
                    if (values.isEmpty()) {
                        doc.error(groupPath, "an empty value list; each partition needs at least one value");
                    }
                    valueGroups.add(values);
                });
            }
        }
        return Optional.of(new PartitionRule.ListBy(column, valueGroups));
    }

    private Optional<PartitionRule.Strategy> hash(JsonNode node, String path, String column) {
        if (Doc.absent(node.get("partitions"))) {
            doc.error(Doc.child(path, "partitions"), "missing; expected the number of hash partitions (2 to "
                    + MAX_HASH_PARTITIONS + ")");
            return Optional.empty();
        }
        OptionalLong count = doc.integer(node.get("partitions"), Doc.child(path, "partitions"), 2, MAX_HASH_PARTITIONS);
        return count.isEmpty() ? Optional.empty() : Optional.of(new PartitionRule.Hash(column, (int) count.getAsLong()));
    }
}
