package dev.godwit.workers.schema;

import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The DDL of a target schema.
 *
 * @param preData  run in order before the data is copied: schemas, extensions, types, sequences, tables
 * @param postData run after the data: groups of the same {@link Group#phase()} are independent of each other and may
 *                 run in parallel; a phase starts when every group of the previous phase is done
 * @param warnings everything the script leaves out or degrades, one sentence each
 * @param notCreated the objects of the selected schemas that the script does not create, each with why: the plan
 *                 names them, so that nothing is left out silently
 */
public record SchemaScript(List<Statement> preData, List<Group> postData, List<String> warnings,
                           List<NotCreated> notCreated) {

    public SchemaScript {
        preData = List.copyOf(preData);
        postData = List.copyOf(postData);
        warnings = List.copyOf(warnings);
        notCreated = List.copyOf(notCreated);
    }

    /** Keys, unique and plain indexes, checks, exclusion constraints and replica identity of one table. */
    public static final int TABLE_PHASE = 1;
    /** Foreign keys: they need the referenced tables' keys. */
    public static final int FOREIGN_KEY_PHASE = 2;
    /**
     * The group of the foreign keys with a referential action (CASCADE, SET NULL, SET DEFAULT), kept apart from the
     * others because a target that cannot silence them while changes stream creates them at cutover instead.
     */
    public static final String ACTION_FOREIGN_KEYS = "foreign keys with actions";
    /** Views and materialized views (WITH NO DATA), in dependency order, after the tables they read. */
    public static final int VIEW_PHASE = 3;
    /**
     * Triggers, rules and row-level security: once the data is in, so that no trigger fires and no policy filters
     * during the copy; after the views, since INSTEAD OF triggers and rules may be on views.
     */
    public static final int TRIGGER_PHASE = 4;
    /** REFRESH MATERIALIZED VIEW, in dependency order: the last thing the full load does to the schema. */
    public static final int REFRESH_PHASE = 5;
    /**
     * Owners and privileges ({@code settings.ownership}, {@code settings.privileges}): last, so that every statement
     * before runs as the task user owning what it created.
     */
    public static final int ACCESS_PHASE = 6;

    /** An object of the source that the script does not create, and why (with the fix, where there is one). */
    public record NotCreated(String object, String reason) {
        @Override
        public String toString() {
            return object + ": " + reason;
        }
    }

    /** One SQL statement and a short description for logs. */
    public record Statement(String description, String sql) {
        @Override
        public String toString() {
            return description + ": " + sql;
        }
    }

    /** Statements that run in order on one connection. */
    public record Group(String name, int phase, List<Statement> statements) {
        public Group {
            statements = List.copyOf(statements);
        }
    }

    /** Every post-data statement, phase by phase, group by group: the order one connection can run them in. */
    public List<Statement> postDataInOrder() {
        return postDataAfter(0);
    }

    /**
     * The post-data statements of every phase after {@code phase}, in phase order, group by group: what runs once
     * the tables' own post-data is done (foreign keys, views, triggers, refreshes).
     */
    public List<Statement> postDataAfter(int phase) {
        return postData(g -> g.phase() > phase);
    }

    /** The post-data statements of the groups {@code chosen} takes, in phase order, group by group. */
    public List<Statement> postData(Predicate<Group> chosen) {
        return postData.stream().filter(chosen)
                .sorted(Comparator.comparingInt(Group::phase))
                .flatMap(g -> g.statements().stream())
                .toList();
    }
}
