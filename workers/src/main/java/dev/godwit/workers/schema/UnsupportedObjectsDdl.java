package dev.godwit.workers.schema;

import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.catalog.UnsupportedObject;

/**
 * Names what godwit does not create, with why and the fix: the database-wide objects a schema migration does not
 * carry (event triggers, publications, subscriptions, foreign servers), and the objects of the selected schemas
 * that it has no writer for (text search parsers and templates, whose functions are C functions; foreign tables,
 * whose servers are not created).
 */
final class UnsupportedObjectsDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final ObjectScope scope;

    UnsupportedObjectsDdl(SourceCatalog catalog, ObjectScope scope) {
        this.catalog = catalog;
        this.scope = scope;
    }

    @Override
    public void write(ScriptBuilder script) {
        for (UnsupportedObject o : catalog.objects().unsupported()) {
            if (o.schema().isPresent() && !scope.covers(o.schema().get())) {
                continue;
            }
            String object = o.kind() + " " + o.schema().map(s -> s + ".").orElse("") + o.name();
            script.notCreated(object, reason(o.kind()));
        }
        for (Table t : catalog.tables()) {
            if (t.kind() == TableKind.FOREIGN && scope.covers(t.schema()) && !scope.selected(t.oid())) {
                script.notCreated("foreign table " + t.schema() + "." + t.name(), "its rows live behind a foreign"
                        + " server, which godwit does not create; create the server on the target, then the foreign"
                        + " table (pg_dump --schema-only prints its CREATE FOREIGN TABLE)");
            }
        }
    }

    static String reason(String kind) {
        return switch (kind) {
            case "event trigger" -> "an event trigger belongs to the whole database and fires on DDL, so godwit's own"
                    + " schema creation would fire it; create it on the target after the cutover (pg_dump"
                    + " --schema-only prints its CREATE EVENT TRIGGER)";
            case "publication" -> "a publication names the source's replication set-up, not the application's"
                    + " schema; create it on the target after the cutover if the target is to publish changes";
            case "subscription" -> "a subscription connects to another server; create it on the target after the"
                    + " cutover, with a connection and slot of its own";
            case "foreign server" -> "a foreign server holds connection options and user mappings with passwords,"
                    + " which godwit does not read; create it and its user mappings on the target";
            case "text search parser", "text search template" -> "its functions are C functions (from a library"
                    + " on the source server, or built in); install that library on the target, then create the "
                    + kind + " there (pg_dump --schema-only prints its definition)";
            default -> "godwit does not create " + kind + "s yet; create it on the target before the cutover (pg_dump"
                    + " --schema-only prints its definition)";
        };
    }
}
