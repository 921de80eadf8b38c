package dev.godwit.mappings.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.godwit.mappings.dms.DmsTableMappingsReader;
import dev.godwit.mappings.rules.TableMappings;
import dev.godwit.mappings.text.Suggestions;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a task file (YAML or JSON) and the files it references, checks them, and reports every problem found in one
 * {@link TaskFileException}. Paths in the task file are relative to the task file's directory.
 */
public final class TaskLoader {

    static final List<String> KEYS = List.of("name", "source", "target", "type", "tableMappings", "settings");
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]+");
    // Slot names hold at most 63 characters and the default one is "godwit_" + name.
    private static final int MAX_NAME = 63 - "godwit_".length();

    public Task load(Path taskFile) throws TaskFileException {
        Path file = taskFile.toAbsolutePath().normalize();
        Problems problems = new Problems();
        Doc doc = new Doc(file, problems);
        Optional<JsonNode> parsed = Doc.parse(file, problems);
        problems.throwIfAny();
        JsonNode root = parsed.orElseThrow();
        if (!root.isObject()) {
            doc.error("", "found " + Doc.describe(root) + "; expected a map with the keys " + Doc.oneOf(KEYS));
            problems.throwIfAny();
        }
        Path base = file.getParent();
        doc.checkKeys(root, "", KEYS, "task key");
        Optional<String> name = name(root, doc);
        EndpointParser endpoints = new EndpointParser(doc, base);
        Optional<Endpoint> source = endpoints.parse(root.get("source"), "source");
        Optional<Endpoint> target = endpoints.parse(root.get("target"), "target");
        Optional<MigrationType> type = type(root, doc);
        Optional<TableMappings> mappings = tableMappings(root.get("tableMappings"), doc, base);
        Settings settings = new SettingsParser(doc, base).parse(root.get("settings"), "settings", name.orElse("task"));
        if (type.isPresent() && type.get() != MigrationType.CDC && settings.cdc().startPosition().isPresent()) {
            doc.error("settings.cdc.startPosition", "a start position applies only to type cdc (streaming from an"
                    + " existing slot); this task's type is " + type.get().spelling());
        }
        problems.throwIfAny();
        return new Task(name.orElseThrow(), file, source.orElseThrow(), target.orElseThrow(), type.orElseThrow(),
                mappings.orElseThrow(), settings);
    }

    private static Optional<String> name(JsonNode root, Doc doc) {
        Optional<String> name = doc.requiredText(root, "name", "", "a task name of lower-case letters, digits, _ and -");
        if (name.isPresent() && (!NAME.matcher(name.get()).matches() || name.get().length() > MAX_NAME)) {
            doc.error("name", "found '" + name.get() + "'; expected 1 to " + MAX_NAME + " lower-case letters, digits,"
                    + " _ and - (the name also names the replication slot and publication)");
            return Optional.empty();
        }
        return name;
    }

    private static Optional<MigrationType> type(JsonNode root, Doc doc) {
        Optional<String> text = doc.requiredText(root, "type", "", "one of: " + Doc.oneOf(MigrationType.spellings()));
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<MigrationType> type = MigrationType.parse(text.get());
        if (type.isEmpty()) {
            doc.error("type", "unknown type '" + text.get() + "'" + Suggestions.didYouMean(text.get(),
                    MigrationType.spellings()) + "; expected one of: " + Doc.oneOf(MigrationType.spellings()));
        }
        return type;
    }

    private static Optional<TableMappings> tableMappings(JsonNode node, Doc doc, Path base) {
        DmsTableMappingsReader reader = new DmsTableMappingsReader();
        if (Doc.absent(node)) {
            doc.error("tableMappings", "missing; expected the path of a DMS table-mapping JSON file, or {rules: [...]}");
            return Optional.empty();
        }
        int before = doc.problems().size();
        TableMappings mappings;
        if (node.isTextual()) {
            Path file = base.resolve(node.asText()).normalize();
            Optional<JsonNode> root = Doc.parse(file, doc.problems());
            if (root.isEmpty()) {
                return Optional.empty();
            }
            mappings = reader.read(root.get(), "", new Doc(file, doc.problems()));
        } else if (node.isObject()) {
            mappings = reader.read(node, "tableMappings", doc);
        } else {
            doc.error("tableMappings", "found " + Doc.describe(node) + "; expected the path of a DMS table-mapping"
                    + " JSON file, or {rules: [...]}");
            return Optional.empty();
        }
        return doc.problems().size() > before ? Optional.empty() : Optional.of(mappings);
    }
}
