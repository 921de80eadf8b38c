package dev.godwit.workers.schema;

import dev.godwit.workers.schema.SchemaScript.Group;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The statements and warnings of one write, gathered by the {@link DdlPart}s in whatever order they run and put in
 * dependency order only when the {@link SchemaScript} is built: the pre-data by {@link PreData} section, the
 * post-data groups by phase. This lets a part that must run late (schemas, which need to know what every other part
 * created) still put its statements first.
 */
final class ScriptBuilder {

    /** The sections of the pre-data, in the order they run: each may use what an earlier one created. */
    enum PreData {
        /** the schemas every later statement creates something in */
        SCHEMAS,
        /** collations: a domain, a composite type or a column may use one */
        COLLATIONS,
        /** extensions, then user types in dependency order */
        TYPES,
        /** sequences that column defaults call, and the other sequences of the selected schemas */
        SEQUENCES,
        /**
         * functions, procedures and aggregates whose signature needs no table: column defaults and checks may call
         * them, so they come before the tables
         */
        ROUTINES,
        /**
         * operators, casts, text search dictionaries and configurations: after the functions and extensions they
         * call, before the defaults, generated columns and indexes that may use them
         */
        OPERATORS,
        /** tables with their comments, then their partitions, parent before child */
        TABLES,
        /** user types built on a table's row type (a domain over it, a composite with such an attribute) */
        TABLE_TYPES,
        /**
         * functions and aggregates whose signature takes or returns a table's row type, or a type of
         * {@link #TABLE_TYPES}
         */
        TABLE_ROUTINES,
        /**
         * what ties together tables created before (sequence ownership, inheritance), and the operator classes and
         * families, after every operator and function they may name (only the post-data's indexes use them)
         */
        TABLE_LINKS,
        /** comments on schemas and extensions, which nothing depends on */
        COMMENTS
    }

    private record GroupKey(String name, int phase) {
    }

    private final Map<PreData, List<Statement>> preData = new EnumMap<>(PreData.class);
    private final List<Group> groups = new ArrayList<>();
    private final Map<GroupKey, List<Statement>> sharedGroups = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<SchemaScript.NotCreated> notCreated = new ArrayList<>();
    private final Set<String> schemas = new LinkedHashSet<>();
    private final SortedSet<String> grantees = new TreeSet<>();
    private final SortedSet<String> owners = new TreeSet<>();
    private final SortedSet<String> schemaOwners = new TreeSet<>();
    private final SortedMap<String, SortedSet<String>> ownedIn = new TreeMap<>();

    void add(PreData section, Statement statement) {
        preData.computeIfAbsent(section, s -> new ArrayList<>()).add(statement);
    }

    void addAll(PreData section, List<Statement> statements) {
        statements.forEach(s -> add(section, s));
    }

    /** A post-data group of its own (one table's keys and indexes, say); an empty one is left out. */
    void group(String name, int phase, List<Statement> statements) {
        if (!statements.isEmpty()) {
            groups.add(new Group(name, phase, statements));
        }
    }

    /** Appends to the post-data group that many tables share (the foreign keys), created on first use. */
    void addToShared(String name, int phase, Statement statement) {
        sharedGroups.computeIfAbsent(new GroupKey(name, phase), k -> new ArrayList<>()).add(statement);
    }

    /** Something the script leaves out or degrades, one sentence. */
    void warn(String warning) {
        warnings.add(warning);
    }

    /** An object of the source the script does not create, why, and what to do instead. */
    void notCreated(String object, String reason) {
        notCreated.add(new SchemaScript.NotCreated(object, reason));
    }

    /** A target schema a statement creates something in, beyond the tables' and types' ({@link SchemaDdl}). */
    void needSchema(String schema) {
        schemas.add(schema);
    }

    Set<String> schemasNeeded() {
        return Collections.unmodifiableSet(schemas);
    }

    /** A role a grant names: it must exist on the target. */
    void grantsTo(String role) {
        grantees.add(role);
    }

    /** A role that owns something on the target: the target user must be able to act as it. */
    void ownedBy(String role) {
        owners.add(role);
    }

    /** A role that owns a schema on the target. */
    void ownsSchema(String role) {
        owners.add(role);
        schemaOwners.add(role);
    }

    /** A role that owns an object of this target schema. */
    void ownsIn(String role, String schema) {
        owners.add(role);
        ownedIn.computeIfAbsent(role, r -> new TreeSet<>()).add(schema);
    }

    AccessRoles roles() {
        return new AccessRoles(grantees, owners, schemaOwners, ownedIn);
    }

    SchemaScript build() {
        List<Statement> pre = new ArrayList<>();
        for (PreData section : PreData.values()) {
            pre.addAll(preData.getOrDefault(section, List.of()));
        }
        List<Group> post = new ArrayList<>(groups);
        sharedGroups.forEach((key, statements) -> post.add(new Group(key.name(), key.phase(), statements)));
        post.sort(Comparator.comparingInt(Group::phase));
        return new SchemaScript(pre, post, warnings, notCreated);
    }
}
