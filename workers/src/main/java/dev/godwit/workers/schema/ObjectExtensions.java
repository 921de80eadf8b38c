package dev.godwit.workers.schema;

import dev.godwit.workers.catalog.Extension;
import dev.godwit.workers.catalog.ExtensionUse;
import dev.godwit.workers.catalog.Routine;
import dev.godwit.workers.catalog.SourceCatalog;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The extensions the objects of some source schemas need on the target, each with why: an object there depends on
 * one of its members (a column of its type, an index with its operator class, a default calling its function, a
 * function in its language), it is installed in one of those schemas, or in a schema that a function of those
 * schemas puts on its search_path. The last two stand in for what the catalog cannot say: function bodies record
 * no dependencies, so an extension function called only inside one would otherwise be missed. plpgsql is in every
 * database and never needed.
 */
public final class ObjectExtensions {
    private ObjectExtensions() {
    }

    /** Extension name to the reason it is needed, by name. */
    public static Map<String, String> needed(SourceCatalog catalog, Set<String> sourceSchemas) {
        Map<String, String> out = new TreeMap<>();
        for (ExtensionUse use : catalog.objects().extensionUses()) {
            if (sourceSchemas.contains(use.schema())) {
                out.putIfAbsent(use.extension(), "objects of schema " + use.schema() + " use it");
            }
        }
        for (Extension e : catalog.extensions()) {
            if (sourceSchemas.contains(e.schema())) {
                out.putIfAbsent(e.name(), "it is installed in schema " + e.schema());
            }
        }
        for (Routine r : catalog.objects().routines()) {
            if (!sourceSchemas.contains(r.schema()) || r.searchPath().isEmpty()) {
                continue;
            }
            Set<String> path = searchPath(r.searchPath().get());
            for (Extension e : catalog.extensions()) {
                if (path.contains(e.schema())) {
                    out.putIfAbsent(e.name(), "it is installed in schema " + e.schema() + ", on the search_path of "
                            + r.schema() + "." + r.name());
                }
            }
        }
        out.remove("plpgsql");
        return out;
    }

    /** The schema names of a {@code search_path} setting: {@code pg_catalog, "My Schema", public}. */
    static Set<String> searchPath(String setting) {
        Set<String> out = new java.util.LinkedHashSet<>();
        Arrays.stream(setting.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(s -> out.add(
                s.length() > 1 && s.startsWith("\"") && s.endsWith("\"")
                        ? s.substring(1, s.length() - 1).replace("\"\"", "\"") : s));
        return out;
    }
}
