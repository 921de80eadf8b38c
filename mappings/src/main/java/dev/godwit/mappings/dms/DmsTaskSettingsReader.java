package dev.godwit.mappings.dms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.godwit.mappings.task.Doc;
import dev.godwit.mappings.task.TargetTablePrepMode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a DMS task-settings document and translates the keys that mean something PostgreSQL to PostgreSQL into
 * godwit's own settings keys. The result is a settings object in godwit's spelling, which godwit's keys from the task
 * file are then laid over; keys that do not apply are listed, never refused, because DMS writes dozens of them.
 */
public final class DmsTaskSettingsReader {

    /** The translated settings and the DMS keys that had no effect. */
    public record Translated(ObjectNode settings, List<String> ignoredKeys) {
    }

    /** Top-level DMS sections; the task loader uses them to spot DMS sections written inline in {@code settings}. */
    public static final Set<String> SECTIONS = Set.of("TargetMetadata", "FullLoadSettings", "ChangeProcessingTuning",
            "ChangeProcessingDdlHandlingPolicy", "ErrorBehavior", "ValidationSettings", "ControlTablesSettings",
            "StreamBufferSettings", "Logging", "LoopbackPreventionSettings", "BeforeImageSettings",
            "CharacterSetSettings", "TTSettings", "ResyncSettings", "PostProcessingRules",
            "FailTaskWhenCleanTaskResourceFailed");

    private static final List<String> DATA_POLICIES = List.of("IGNORE_RECORD", "LOG_ERROR", "SUSPEND_TABLE", "STOP_TASK");

    /**
     * @param root the DMS document (or an object holding DMS sections)
     * @param path where {@code root} sits in its file
     */
    public Translated read(JsonNode root, String path, Doc doc) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        List<String> ignored = new ArrayList<>();
        if (doc.object(root, path).isEmpty()) {
            return new Translated(out, ignored);
        }
        Iterator<Map.Entry<String, JsonNode>> sections = root.properties().iterator();
        while (sections.hasNext()) {
            Map.Entry<String, JsonNode> section = sections.next();
            String sectionPath = Doc.child(path, section.getKey());
            JsonNode body = section.getValue();
            if (Doc.absent(body)) {
                continue;
            }
            if (!body.isObject()) {
                ignored.add(section.getKey());
                continue;
            }
            Iterator<Map.Entry<String, JsonNode>> keys = body.properties().iterator();
            while (keys.hasNext()) {
                Map.Entry<String, JsonNode> key = keys.next();
                if (Doc.absent(key.getValue())) {
                    continue;
                }
                String name = section.getKey() + "." + key.getKey();
                if (!translate(name, key.getValue(), Doc.child(sectionPath, key.getKey()), out, doc)) {
                    ignored.add(name);
                }
            }
        }
        errorPolicy(root, path, out, doc);
        return new Translated(out, ignored);
    }

    /** Translates one key; false when the key has no godwit meaning. */
    private boolean translate(String name, JsonNode value, String path, ObjectNode out, Doc doc) {
        switch (name) {
            case "TargetMetadata.TargetSchema" -> doc.text(value, path).filter(s -> !s.isBlank())
                    .ifPresent(s -> out.put("targetSchema", s));
            case "FullLoadSettings.TargetTablePrepMode" -> doc.text(value, path).ifPresent(text -> {
                Optional<TargetTablePrepMode> mode = TargetTablePrepMode.parse(text);
                mode.ifPresentOrElse(m -> out.put("targetTablePrepMode", m.name()), () -> doc.error(path,
                        "unknown TargetTablePrepMode '" + text + "'; expected one of: "
                                + Doc.oneOf(TargetTablePrepMode.names())));
            });
            case "FullLoadSettings.MaxFullLoadSubTasks" -> doc.integer(value, path, 1, 49)
                    .ifPresent(n -> out.put("parallelism", n));
            // An empty ControlSchema means "public" to DMS; godwit keeps its state out of public and uses its default.
            case "ControlTablesSettings.ControlSchema" -> doc.text(value, path).filter(s -> !s.isBlank())
                    .ifPresent(s -> out.put("controlSchema", s));
            case "ValidationSettings.EnableValidation" -> doc.bool(value, path)
                    .ifPresent(b -> out.withObjectProperty("validation").put("enabled", b));
            case "ValidationSettings.ThreadCount" -> doc.integer(value, path, 1, 1000)
                    .ifPresent(n -> out.withObjectProperty("validation").put("threadCount", n));
            case "ValidationSettings.PartitionSize" -> doc.integer(value, path, 1, Integer.MAX_VALUE)
                    .ifPresent(n -> out.withObjectProperty("validation").put("partitionSize", n));
            case "ValidationSettings.FailureMaxCount" -> doc.integer(value, path, 0, Long.MAX_VALUE)
                    .ifPresent(n -> out.withObjectProperty("validation").put("failureMaxCount", n));
            case "ValidationSettings.ValidationOnly" -> doc.bool(value, path).filter(b -> b).ifPresent(b ->
                    doc.error(path, "validation-only tasks are not supported; set ValidationOnly to false or remove it"));
            case "ValidationSettings.ValidationMode" -> doc.text(value, path).filter(m -> !m.equals("ROW_LEVEL"))
                    .ifPresent(m -> doc.error(path, "unknown ValidationMode '" + m + "'; expected ROW_LEVEL"));
            case "ErrorBehavior.FailOnNoTablesCaptured" -> doc.bool(value, path)
                    .ifPresent(b -> out.put("failOnNoTablesCaptured", b));
            case "ErrorBehavior.ApplyErrorInsertPolicy" -> policy(value, path, doc, "INSERT_RECORD").ifPresent(p ->
                    out.withObjectProperty("applyConflicts").put("insertExisting", p.equals("INSERT_RECORD") ? "update" : "error"));
            case "ErrorBehavior.ApplyErrorUpdatePolicy" -> policy(value, path, doc, "UPDATE_RECORD").ifPresent(p ->
                    out.withObjectProperty("applyConflicts").put("updateMissing", p.equals("UPDATE_RECORD") ? "insert" : "error"));
            case "ErrorBehavior.ApplyErrorDeletePolicy" -> policy(value, path, doc, null).ifPresent(p ->
                    out.withObjectProperty("applyConflicts").put("deleteMissing", p.equals("IGNORE_RECORD") ? "ignore" : "error"));
            case "ErrorBehavior.DataErrorPolicy" -> policy(value, path, doc, null);
            case "ChangeProcessingDdlHandlingPolicy.HandleSourceTableAltered" -> doc.bool(value, path)
                    .ifPresent(b -> out.withObjectProperty("cdc").put("allowAdditiveDdl", b));
            default -> {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> policy(JsonNode value, String path, Doc doc, String extra) {
        Optional<String> text = doc.text(value, path);
        List<String> allowed = new ArrayList<>(DATA_POLICIES);
        if (extra != null) {
            allowed.add(extra);
        }
        if (text.isPresent() && !allowed.contains(text.get())) {
            doc.error(path, "unknown policy '" + text.get() + "'; expected one of: " + Doc.oneOf(allowed));
            return Optional.empty();
        }
        return text;
    }

    /**
     * godwit has one error policy. It stops when any DMS data or apply policy would stop or suspend (suspending a
     * table is stopping it), and logs and continues when the policies present all log or ignore.
     */
    private static void errorPolicy(JsonNode root, String path, ObjectNode out, Doc doc) {
        JsonNode behaviour = root.get("ErrorBehavior");
        if (behaviour == null || !behaviour.isObject()) {
            return;
        }
        boolean any = false;
        boolean stop = false;
        for (String key : List.of("DataErrorPolicy", "ApplyErrorInsertPolicy", "ApplyErrorUpdatePolicy",
                "ApplyErrorDeletePolicy")) {
            JsonNode value = behaviour.get(key);
            if (value != null && value.isTextual()) {
                any = true;
                stop |= value.asText().equals("STOP_TASK") || value.asText().equals("SUSPEND_TABLE");
            }
        }
        if (any) {
            out.put("errorPolicy", stop ? "stop" : "log-and-continue");
        }
    }
}
