package dev.godwit.mappings.task;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What change data capture does when the source's tables change shape while it runs ({@code cdc.ddl}): each kind of
 * change is applied to the target, stops CDC with a message that names it and the fix, or (where that leaves the
 * target able to take the changes that follow) is ignored with a warning. By default the additive kind is applied
 * and a rename, which loses nothing; the others stop, since they lose or reinterpret data on the target. A rename
 * looks like a column dropped and another added in a Relation message; godwit tells them apart by the source
 * column's attnum, which PostgreSQL keeps across a rename.
 *
 * @param addColumn       {@code ADD COLUMN}: added with the value the source's existing rows have and its default
 * @param dropColumn      {@code DROP COLUMN}: dropped; ignored keeps it on the target (NOT NULL dropped)
 * @param alterColumnType {@code ALTER COLUMN … TYPE} to a wider type (int → bigint, varchar(n) → varchar(m > n) or
 *                        text, numeric precision raised, real → double precision): altered (apply or stop only)
 * @param renameColumn    {@code RENAME COLUMN}: renamed on the target when its column carries the source name
 *                        (apply or stop only: ignoring it would leave the target unable to take the changes)
 * @param createTable     a table created on the source that the selection rules match: created on the target, added
 *                        to the publication and copied under its own sync position, then kept by CDC; ignore leaves
 *                        it out of the task (until the task file's rules exclude it, it is named at every stream start)
 * @param indexes         a plain index created or dropped on a task table (CREATE/DROP INDEX): created or dropped on
 *                        the target, or ignored (apply or ignore only: it never keeps a change from applying)
 */
public record DdlPolicy(Action addColumn, Action dropColumn, Action alterColumnType, Action renameColumn,
                        Action createTable, Action indexes) {

    public enum Action {
        APPLY, STOP, IGNORE;

        public String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Action> of(String text) {
            return List.of(values()).stream().filter(a -> a.spelling().equalsIgnoreCase(text.strip())).findFirst();
        }
    }

    /** The keys of {@code cdc.ddl}. */
    static final List<String> KEYS = List.of("addColumn", "dropColumn", "alterColumnType", "renameColumn", "createTable", "indexes");

    public static DdlPolicy defaults() {
        return new DdlPolicy(Action.APPLY, Action.STOP, Action.STOP, Action.APPLY, Action.APPLY, Action.APPLY);
    }

    public DdlPolicy withAddColumn(Action action) {
        return new DdlPolicy(action, dropColumn, alterColumnType, renameColumn, createTable, indexes);
    }
}
