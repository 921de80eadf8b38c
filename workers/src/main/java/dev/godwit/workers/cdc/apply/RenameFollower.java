package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.DdlPolicy;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Follows source columns renamed, as {@link ColumnRenames} finds them: {@code ALTER TABLE … RENAME COLUMN} on the
 * target in the apply transaction, recorded in the same, logged, and an event of the task.
 */
final class RenameFollower {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RenameFollower.class);

    private final TargetDdl ddl;
    private final ColumnRecord record;

    RenameFollower(TargetDdl ddl, ColumnRecord record) {
        this.ddl = ddl;
        this.record = record;
    }

    /**
     * The target as of the record, which is as of the checkpoint: the plan was made from the source's catalog at this
     * run's start, so a column renamed on the source while godwit was stopped has its new name in the plan, while
     * the target (and the stream, until it reaches the rename) still has the old one. A column whose target name a
     * transformation rule makes keeps the plan's mapping: once the message shows its new name, the rule was changed
     * to it after CDC stopped on the rename, and the record follows.
     *
     * @param recorded the table's record
     * @param now      the source's columns now, name → attnum
     * @param names    the columns of the Relation message
     */
    ApplyTarget asRecorded(ApplyTarget target, Map<Integer, String> recorded, Map<String, Integer> now,
                           List<String> names) throws SQLException {
        List<String> known = new ArrayList<>(target.columns().stream().map(ApplyTarget.Column::sourceName).toList());
        known.addAll(target.omittedColumns());
        for (String name : known) {
            Integer attnum = now.get(name);
            String was = attnum == null ? null : recorded.get(attnum);
            if (was == null || was.equals(name) || known.contains(was)) {
                continue;
            }
            if (target.column(name).filter(c -> !c.targetName().equals(name)).isEmpty()) {
                target = target.withRenamedColumn(name, was);
            } else if (names.contains(name) && !names.contains(was)) {
                record.renamed(target, new ColumnRenames.Rename(attnum, was, name));
                log.info("cdc: column {} of {}.{} renamed to {} (attnum {}): followed through the task's changed"
                        + " transformation rule", was, target.sourceSchema(), target.sourceName(), name, attnum);
            }
        }
        return target;
    }

    /** Follows {@code renames} on the target, each new name free when its turn comes. */
    ApplyTarget follow(Relation relation, ApplyTarget target, List<ColumnRenames.Rename> renames,
                       DdlPolicy.Action action) throws SQLException {
        Set<String> taken = new HashSet<>();
        target.columns().forEach(c -> taken.add(c.sourceName()));
        taken.addAll(target.omittedColumns());
        String table = SqlText.qualified(target.targetSchema(), target.targetName());
        Optional<List<ColumnRenames.Rename>> order = ColumnRenames.ordered(renames, taken);
        if (order.isEmpty()) {
            throw new SchemaDriftException(relation.qualifiedName(), renames.stream().map(ColumnRenames.Rename::from)
                    .toList(), "columns swapped names on the source (" + renames.stream().map(r -> r.from() + " → "
                    + r.to()).toList() + "); rename them alike on " + table + " by hand, through a third name, and"
                    + " resume. Columns", false);
        }
        for (ColumnRenames.Rename rename : order.get()) {
            target = renamed(relation, target, table, rename, action);
        }
        return target;
    }

    /**
     * RENAME COLUMN: renamed on the target when its column carries the source name; followed without DDL when the
     * target has the new name already (renamed by hand after a stop) or the column is not written to the target.
     */
    private ApplyTarget renamed(Relation relation, ApplyTarget target, String table, ColumnRenames.Rename rename,
                                DdlPolicy.Action action) throws SQLException {
        Optional<ApplyTarget.Column> written = target.column(rename.from());
        if (written.isPresent()) {
            ApplyTarget.Column column = written.get();
            if (!column.targetName().equals(rename.from())) {
                List<String> rules = target.nameRules().getOrDefault(rename.from(), List.of());
                throw new SchemaDriftException(relation.qualifiedName(), List.of(rename.from()), "column "
                        + rename.from() + " was renamed to " + rename.to() + " on the source, but its target column "
                        + column.targetName() + " is named by " + (rules.isEmpty() ? "a transformation rule"
                        : "the transformation rule " + String.join(", ", rules)) + ", which godwit does not rewrite;"
                        + " change that rule's column-name to " + rename.to() + " in the task's table mappings (and"
                        + " rename " + table + "." + column.targetName() + " by hand if the rule then names it"
                        + " otherwise), and resume. Columns", false);
            }
            String from = SqlText.identifier(rename.from());
            String to = SqlText.identifier(rename.to());
            boolean done = ddl.columnType(target, rename.to()).isPresent()
                    && ddl.columnType(target, rename.from()).isEmpty();
            if (!done && action != DdlPolicy.Action.APPLY) {
                throw new SchemaDriftException(relation.qualifiedName(), List.of(rename.from()), "column "
                        + rename.from() + " was renamed to " + rename.to() + " on the source; to follow, set"
                        + " cdc.ddl.renameColumn: apply, or rename it on the target by hand (ALTER TABLE " + table
                        + " RENAME COLUMN " + from + " TO " + to + "), and resume. Columns", false);
            }
            if (!done) {
                ddl.execute(List.of("ALTER TABLE " + table + " RENAME COLUMN " + from + " TO " + to));
            }
        }
        record.renamed(target, rename);
        log.info("cdc: column {} of {} renamed to {} (attnum {}): {}", rename.from(), relation.qualifiedName(),
                rename.to(), rename.attnum(), written.isPresent() ? "renamed on " + table + " alike"
                        : "not written to the target, followed");
        return target.withRenamedColumn(rename.from(), rename.to());
    }
}
