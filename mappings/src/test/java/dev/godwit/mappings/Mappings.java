package dev.godwit.mappings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.godwit.mappings.dms.DmsTableMappingsReader;
import dev.godwit.mappings.rules.MappingOutcome;
import dev.godwit.mappings.rules.RuleEngine;
import dev.godwit.mappings.rules.SourceTable;
import dev.godwit.mappings.rules.TableMappings;
import dev.godwit.mappings.task.Doc;
import dev.godwit.mappings.task.Problems;
import dev.godwit.mappings.task.Settings;
import dev.godwit.mappings.task.TaskProblem;

import java.nio.file.Path;
import java.util.List;

/** Test helpers: read mapping JSON (single quotes allowed for readability) and run the engine. */
public final class Mappings {

    public static final Path FILE = Path.of("mappings.json");

    private Mappings() {
    }

    /** Rules JSON with ' for ", e.g. {@code rules("{'rule-type':'selection', …}")}. */
    public static String rules(String... rules) {
        return "{\"rules\": [" + String.join(",", rules).replace('\'', '"') + "]}";
    }

    public static TableMappings read(String json) {
        Problems problems = new Problems();
        TableMappings mappings = readWith(json, problems);
        if (!problems.isEmpty()) {
            throw new AssertionError("unexpected problems: " + problems.list());
        }
        return mappings;
    }

    public static List<TaskProblem> problems(String json) {
        Problems problems = new Problems();
        readWith(json, problems);
        return problems.list();
    }

    private static TableMappings readWith(String json, Problems problems) {
        try {
            JsonNode root = new ObjectMapper().readTree(json);
            return new DmsTableMappingsReader().read(root, "", new Doc(FILE, problems));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public static MappingOutcome apply(String json, List<SourceTable> catalog) {
        return apply(json, Settings.defaults("t"), catalog);
    }

    public static MappingOutcome apply(String json, Settings settings, List<SourceTable> catalog) {
        return new RuleEngine(read(json), settings).apply(catalog);
    }

    public static String include(String id, String schema, String table) {
        return "{'rule-type':'selection','rule-id':'" + id + "','rule-name':'sel" + id + "','object-locator':"
                + "{'schema-name':'" + schema + "','table-name':'" + table + "'},'rule-action':'include'}";
    }

    public static String exclude(String id, String schema, String table) {
        return include(id, schema, table).replace("'include'", "'exclude'");
    }

    /** A transformation rule; {@code extra} is more JSON members with ' for ". */
    public static String transform(String id, String target, String action, String locator, String extra) {
        return "{'rule-type':'transformation','rule-id':'" + id + "','rule-name':'tr" + id + "','rule-target':'"
                + target + "','rule-action':'" + action + "','object-locator':{" + locator + "}"
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }
}
