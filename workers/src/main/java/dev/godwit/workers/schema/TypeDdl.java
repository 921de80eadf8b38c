package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Attribute;
import dev.godwit.workers.catalog.Extension;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.catalog.UserType;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The user types and extensions the target columns need, created before the tables in dependency order (a domain
 * after its base type, a composite after its attributes' types), each in the schema its source schema maps to.
 * The columns say what they need through {@link #use(String)} as they are written, so this part runs after the
 * tables; its statements still go before them ({@link ScriptBuilder.PreData#TYPES}).
 */
final class TypeDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final DdlWriter.Options options;
    private final Map<Long, UserType> used = new LinkedHashMap<>();
    private final Set<String> extensions = new LinkedHashSet<>();

    TypeDdl(SourceCatalog catalog, DdlWriter.Options options) {
        this.catalog = catalog;
        this.options = options;
    }

    /** Notes the user type (if any) that a column type text refers to, and returns the text for the target. */
    String use(String typeText) {
        Optional<UserType> type = resolve(typeText);
        if (type.isEmpty()) {
            return typeText;
        }
        require(type.get());
        return type.get().fromExtension() ? typeText : SqlRewriter.rewriteType(typeText, this::targetSchema);
    }

    private String targetSchema(String sourceSchema) {
        return catalog.types().stream().anyMatch(t -> t.schema().equals(sourceSchema) && !t.fromExtension())
                ? options.schemaMapping().apply(sourceSchema) : sourceSchema;
    }

    private Optional<UserType> resolve(String typeText) {
        String base = typeText.trim();
        while (base.endsWith("[]")) {
            base = base.substring(0, base.length() - 2);
        }
        String key = base;
        return catalog.types().stream().filter(t -> SqlRewriter.printedQualified(t.schema(), t.name()).equals(key)
                || t.qualifiedName().equals(key)).findFirst();
    }

    /** Notes an extension that objects other than columns need (a function's language, an index's class). */
    void requireExtension(String name) {
        extensions.add(name);
    }

    /** The extensions the script creates, as far as the parts that ran so far asked for them. */
    Set<String> extensionsUsed() {
        return Collections.unmodifiableSet(extensions);
    }

    /** Notes a user type whether a column uses it or not (the types of a selected schema: functions may use them). */
    void requireType(UserType type) {
        require(type);
    }

    private void require(UserType type) {
        if (used.containsKey(type.oid())) {
            return;
        }
        if (type.fromExtension()) {
            extensions.add(type.extension().get());
            used.put(type.oid(), type);
            return;
        }
        // dependencies first: the map keeps insertion order, which is the creation order
        for (String dependency : dependencies(type)) {
            resolve(dependency).ifPresent(this::require);
        }
        used.put(type.oid(), type);
    }

    private static List<String> dependencies(UserType type) {
        List<String> out = new ArrayList<>();
        type.domainBaseType().ifPresent(out::add);
        type.rangeSubtype().ifPresent(out::add);
        type.compositeAttributes().forEach(a -> out.add(a.type()));
        return out;
    }

    /** Whether this type is among those to create (its privileges and owner go with it). */
    boolean creates(long oid) {
        return used.containsKey(oid) && viewBuiltOn(used.get(oid)).isEmpty();
    }

    private Optional<Table> viewBuiltOn(UserType t) {
        return t.relations().stream().map(catalog::tableByOid).flatMap(Optional::stream)
                .filter(r -> r.kind() == TableKind.VIEW || r.kind() == TableKind.MATERIALIZED_VIEW).findFirst();
    }

    Set<String> schemasUsed() {
        Set<String> out = new LinkedHashSet<>();
        for (UserType t : used.values()) {
            if (!t.fromExtension()) {
                out.add(options.schemaMapping().apply(t.schema()));
            }
        }
        for (String name : extensions) {
            catalog.extension(name).map(Extension::schema).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Creates the extensions and types {@link #use(String)} was asked for so far: run it after the tables. A type
     * built on a table's row type goes after the tables ({@link ScriptBuilder.PreData#TABLE_TYPES}); its
     * dependencies' order is kept, since whatever is built on such a type is built on that table too. One built on a
     * view's row type is not created: views come after every type, in the post-data.
     */
    @Override
    public void write(ScriptBuilder script) {
        List<Statement> first = new ArrayList<>();
        for (String name : extensions) {
            Optional<Extension> ext = catalog.extension(name);
            first.add(new Statement("extension " + name, "CREATE EXTENSION IF NOT EXISTS " + SqlText.identifier(name)
                    + ext.map(e -> " WITH SCHEMA " + SqlText.identifier(e.schema())).orElse("")));
        }
        List<Statement> afterTables = new ArrayList<>();
        for (UserType t : used.values()) {
            if (t.fromExtension()) {
                continue;
            }
            Optional<Table> view = viewBuiltOn(t);
            if (view.isPresent()) {
                script.notCreated("type " + t.schema() + "." + t.name(), "it is built on the row type of view "
                        + view.get().schema() + "." + view.get().name() + ", and views are created after every type;"
                        + " create it on the target after the views");
                continue;
            }
            statements(t, script).forEach(t.relations().isEmpty() ? first::add : afterTables::add);
        }
        script.addAll(ScriptBuilder.PreData.TYPES, first);
        script.addAll(ScriptBuilder.PreData.TABLE_TYPES, afterTables);
    }

    private List<Statement> statements(UserType t, ScriptBuilder script) {
        String name = SqlText.qualified(options.schemaMapping().apply(t.schema()), t.name());
        Optional<String> sql = create(t, name, script);
        if (sql.isEmpty()) {
            return List.of();
        }
        List<Statement> out = new ArrayList<>();
        String text = options.idempotentTypes()
                ? "DO $godwit$ BEGIN " + sql.get() + "; EXCEPTION WHEN duplicate_object THEN NULL; END $godwit$"
                : sql.get();
        out.add(new Statement("type " + name, text));
        t.comment().ifPresent(c -> out.add(new Statement("comment on type " + name,
                (t.kind() == dev.godwit.workers.catalog.UserTypeKind.DOMAIN ? "COMMENT ON DOMAIN " : "COMMENT ON TYPE ")
                        + name + " IS " + SqlText.literal(c))));
        return out;
    }

    private Optional<String> create(UserType t, String name, ScriptBuilder script) {
        switch (t.kind()) {
            case ENUM:
                return Optional.of("CREATE TYPE " + name + " AS ENUM (" + t.enumLabels().stream()
                        .map(SqlText::literal).collect(Collectors.joining(", ")) + ")");
            case DOMAIN: {
                StringBuilder sql = new StringBuilder("CREATE DOMAIN " + name + " AS "
                        + SqlRewriter.rewriteType(t.domainBaseType().orElseThrow(), this::targetSchema));
                t.domainDefault().ifPresent(d -> sql.append(" DEFAULT ").append(d));
                if (t.domainNotNull()) {
                    sql.append(" NOT NULL");
                }
                t.domainConstraints().forEach(c -> sql.append(' ').append(c));
                return Optional.of(sql.toString());
            }
            case COMPOSITE: {
                List<String> attrs = new ArrayList<>();
                for (Attribute a : t.compositeAttributes()) {
                    attrs.add(SqlText.identifier(a.name()) + " " + SqlRewriter.rewriteType(a.type(), this::targetSchema)
                            + a.collation().map(c -> " COLLATE " + c).orElse(""));
                }
                return Optional.of("CREATE TYPE " + name + " AS (" + String.join(", ", attrs) + ")");
            }
            case RANGE: {
                if (t.rangeCanonical().isPresent()) {
                    script.warn("type " + name + ": its canonical function " + t.rangeCanonical().get()
                            + " is not created; the range type is created without it");
                }
                return Optional.of("CREATE TYPE " + name + " AS RANGE (SUBTYPE = "
                        + SqlRewriter.rewriteType(t.rangeSubtype().orElseThrow(), this::targetSchema)
                        + t.rangeSubtypeDiff().map(d -> ", SUBTYPE_DIFF = " + d).orElse("") + ")");
            }
            default:
                script.warn("type " + name + " is a base type outside any extension; godwit cannot create it,"
                        + " create it on the target before the load");
                return Optional.empty();
        }
    }
}
