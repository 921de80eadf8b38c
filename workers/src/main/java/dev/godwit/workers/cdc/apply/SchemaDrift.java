package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.RelationColumn;
import dev.godwit.workers.cdc.pgoutput.TypeCache;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import dev.godwit.mappings.task.DdlPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.Optional;

/**
 * A relation's target after a Relation message, which the source sends again after DDL, right before the first change
 * in the new shape: so whatever is done here is ordered exactly with the changes around it. What each kind of
 * change does follows {@link ApplyOptions#ddl()}:
 * <ul>
 * <li>a new column: added to the target with the value the source's existing rows have for it (the kept value of a
 *     non-volatile default), then the source's default and NOT NULL; a column the target has already is written;</li>
 * <li>a column gone: dropped on the target, or kept there without its NOT NULL (ignore);</li>
 * <li>a column whose type changed: altered when the new type is wider ({@link TypeWidening});</li>
 * <li>a column renamed: renamed on the target. The message cannot tell a rename from a drop and an add; the source
 *     column's attnum can ({@link ColumnRenames}), from the task's record of the attnum each column of the target
 *     follows ({@link SourceColumns#recorded}), kept up to date here in the apply transaction. When the attnums
 *     cannot settle it (nothing recorded, or the column renamed again since), a column gone with one new stops,
 *     since taking a rename for a drop would empty the column on the target.</li>
 * </ul>
 * Whatever stops ends the applier with a {@link SchemaDriftException} that names the change and the fix.
 */
final class SchemaDrift {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SchemaDrift.class);

    private final Connection conn;
    private final ApplyOptions options;
    private final TypeCache types;
    private final StatementPipeline pipeline;
    /** Per target table key, the recorded attnum → source name, read once per applier and kept as written. */
    private final Map<String, Map<Integer, String>> recorded = new HashMap<>();

    /**
     * @param types    the Type messages received, for the type of a new column of a user-defined type
     * @param pipeline sent before the target's catalog is read or its table altered
     */
    SchemaDrift(Connection conn, ApplyOptions options, TypeCache types, StatementPipeline pipeline) {
        this.conn = conn;
        this.options = options;
        this.types = types;
        this.pipeline = pipeline;
    }

    /**
     * The target of {@code relation}, with its columns as the source has them now.
     *
     * @param previous the relation's Relation message before this one, if any
     * @param target   its target until now
     */
    ApplyTarget reconcile(Relation relation, Optional<Relation> previous, ApplyTarget target) throws SQLException {
        DdlPolicy ddl = options.ddl();
        String table = SqlText.qualified(target.targetSchema(), target.targetName());
        List<String> names = relation.columns().stream().map(RelationColumn::name).toList();
        // attnums are those of the planned source relation; a partition's own changes (routed to its parent's target)
        // may number its columns otherwise
        boolean planned = relation.namespace().equals(target.sourceSchema()) && relation.name().equals(target.sourceName());
        Map<Integer, String> record = planned ? recorded(target) : Map.of();
        Map<String, Integer> now = null;
        if (previous.isEmpty() && !record.isEmpty() && !follows(target, record)) {
            now = attnums(relation);
            target = asRecorded(target, record, now, names);
        }
        List<ColumnRenames.Rename> followed = new ArrayList<>();
        if (!record.isEmpty() && (!gone(target, names).isEmpty() || !unknown(relation, target).isEmpty())) {
            now = now != null ? now : attnums(relation);
            target = renames(relation, target, table, names, record, now, ddl, followed);
        }
        List<ApplyTarget.Column> gone = gone(target, names);
        List<RelationColumn> unknown = unknown(relation, target);
        if (!gone.isEmpty() && !unknown.isEmpty() && !settled(gone, unknown, record, now)) {
            throw new SchemaDriftException(relation.qualifiedName(), gone.stream().map(ApplyTarget.Column::sourceName)
                    .toList(), "columns were renamed, or dropped while " + unknown.stream().map(RelationColumn::name)
                    .toList() + " were added, and the source's attnums cannot tell which (" + (record.isEmpty()
                    ? "godwit has no record of them for this table" : "the source has renamed or dropped them again"
                    + " since") + "); if it was a rename, rename the column on the target (ALTER TABLE " + table
                    + " RENAME COLUMN …) and resume; otherwise apply the drop and the add to the target by hand, and"
                    + " resume. Columns", false);
        }
        for (ApplyTarget.Column column : gone) {
            Integer attnum = attnumOf(record, column.sourceName());
            if (attnum != null && now != null && now.containsValue(attnum)) {
                // the column lives on under a name this message does not show: renamed since, and maybe again
                throw new SchemaDriftException(relation.qualifiedName(), List.of(column.sourceName()), "a column is gone"
                        + " from the stream but not from the source, where it has another name now (renamed more than"
                        + " once while the stream lagged); rename it on the target (ALTER TABLE " + table + " RENAME"
                        + " COLUMN …) to the name it has in the stream at this point and resume. Columns", false);
            }
            target = dropped(relation, target, table, column, ddl.dropColumn(), attnum);
        }
        for (RelationColumn current : relation.columns()) {
            String before = followed.stream().filter(r -> r.to().equals(current.name())).map(ColumnRenames.Rename::from)
                    .findFirst().orElse(current.name());
            Optional<RelationColumn> was = previous.flatMap(p -> p.columns().stream()
                    .filter(c -> c.name().equals(before)).findFirst());
            if (was.isPresent() && (was.get().typeOid() != current.typeOid()
                    || was.get().typeModifier() != current.typeModifier()) && target.column(current.name()).isPresent()) {
                target = retyped(relation, target, table, current, ddl.alterColumnType());
            }
        }
        for (RelationColumn column : unknown) {
            Optional<String> onTarget = targetColumnType(target, column.name());
            if (onTarget.isPresent()) {
                target = target.withColumn(column.name(), onTarget.get());
            } else if (ddl.addColumn() == DdlPolicy.Action.APPLY) {
                target = added(relation, target, table, column, planned);
            } else if (ddl.addColumn() == DdlPolicy.Action.IGNORE) {
                log.warn("cdc: column {} added to {} is left out of the target (cdc.ddl.addColumn: ignore)",
                        column.name(), relation.qualifiedName());
                if (planned) {
                    Optional<SourceColumns.Column> source = options.sourceColumns().column(relation.namespace(),
                            relation.name(), column.name());
                    if (source.isPresent()) {
                        record(target, source.get().attnum(), column.name());
                    }
                }
                target = target.withOmitted(column.name());
            } else {
                throw new SchemaDriftException(relation.qualifiedName() + " (target " + target.qualifiedTarget() + ")",
                        List.of(column.name()), "the target has no columns", true);
            }
        }
        return target;
    }

    private static List<ApplyTarget.Column> gone(ApplyTarget target, List<String> names) {
        return target.columns().stream().filter(c -> !names.contains(c.sourceName())).toList();
    }

    private static List<RelationColumn> unknown(Relation relation, ApplyTarget target) {
        return relation.columns().stream()
                .filter(c -> target.column(c.name()).isEmpty() && !target.omittedColumns().contains(c.name()))
                .toList();
    }

    /** Whether every column {@code target} knows has a record: else the plan may be ahead of the stream. */
    private static boolean follows(ApplyTarget target, Map<Integer, String> record) {
        return target.columns().stream().allMatch(c -> record.containsValue(c.sourceName()))
                && record.values().containsAll(target.omittedColumns());
    }

    /**
     * The target as of the record, which is as of the checkpoint: the plan was made from the source's catalog at this
     * run's start, so a column renamed on the source while godwit was stopped has its new name in the plan, while
     * the target (and the stream, until it reaches the rename) still has the old one. A column whose target name a
     * transformation rule makes keeps the plan's mapping: once the message shows its new name, the rule was changed
     * to it after CDC stopped on the rename, and the record follows.
     */
    private ApplyTarget asRecorded(ApplyTarget target, Map<Integer, String> record, Map<String, Integer> now,
                                   List<String> names) throws SQLException {
        List<String> known = new ArrayList<>(target.columns().stream().map(ApplyTarget.Column::sourceName).toList());
        known.addAll(target.omittedColumns());
        for (String name : known) {
            Integer attnum = now.get(name);
            String was = attnum == null ? null : record.get(attnum);
            if (was == null || was.equals(name) || known.contains(was)) {
                continue;
            }
            if (target.column(name).filter(c -> !c.targetName().equals(name)).isEmpty()) {
                target = target.withRenamedColumn(name, was);
            } else if (names.contains(name) && !names.contains(was)) {
                pipeline.flush();
                options.sourceColumns().renamed(conn, target.targetKey(), attnum, was, name);
                record.put(attnum, name);
                log.info("cdc: column {} of {}.{} renamed to {} (attnum {}): followed through the task's changed"
                        + " transformation rule", was, target.sourceSchema(), target.sourceName(), name, attnum);
            }
        }
        return target;
    }

    /** Follows the renames the attnums show, first dropping a column gone from the source whose name one takes. */
    private ApplyTarget renames(Relation relation, ApplyTarget target, String table, List<String> names,
                                Map<Integer, String> record, Map<String, Integer> now, DdlPolicy ddl,
                                List<ColumnRenames.Rename> followed) throws SQLException {
        List<ColumnRenames.Rename> renames = ColumnRenames.find(names, record, now);
        if (renames.isEmpty()) {
            return target;
        }
        for (Map.Entry<Integer, String> e : Map.copyOf(record).entrySet()) {
            boolean freed = !now.containsValue(e.getKey())
                    && renames.stream().anyMatch(r -> r.to().equals(e.getValue()));
            Optional<ApplyTarget.Column> column = target.column(e.getValue());
            if (freed && column.isPresent()) {
                target = dropped(relation, target, table, column.get(), ddl.dropColumn(), e.getKey());
            } else if (freed) {
                forget(target, e.getKey());
                target = target.withoutColumn(e.getValue()); // an omitted column: nothing on the target
            }
        }
        Set<String> taken = new HashSet<>();
        target.columns().forEach(c -> taken.add(c.sourceName()));
        taken.addAll(target.omittedColumns());
        Optional<List<ColumnRenames.Rename>> order = ColumnRenames.ordered(renames, taken);
        if (order.isEmpty()) {
            throw new SchemaDriftException(relation.qualifiedName(), renames.stream().map(ColumnRenames.Rename::from)
                    .toList(), "columns swapped names on the source (" + renames.stream().map(r -> r.from() + " → "
                    + r.to()).toList() + "); rename them alike on " + table + " by hand, through a third name, and"
                    + " resume. Columns", false);
        }
        for (ColumnRenames.Rename rename : order.get()) {
            target = renamed(relation, target, table, rename, ddl.renameColumn());
            followed.add(rename);
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
        String change = "column " + rename.from() + " of " + relation.qualifiedName() + " renamed to " + rename.to();
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
            boolean done = targetColumnType(target, rename.to()).isPresent()
                    && targetColumnType(target, rename.from()).isEmpty();
            if (!done && action != DdlPolicy.Action.APPLY) {
                throw new SchemaDriftException(relation.qualifiedName(), List.of(rename.from()), "column "
                        + rename.from() + " was renamed to " + rename.to() + " on the source; to follow, set"
                        + " cdc.ddl.renameColumn: apply, or rename it on the target by hand (ALTER TABLE " + table
                        + " RENAME COLUMN " + SqlText.identifier(rename.from()) + " TO " + SqlText.identifier(rename.to())
                        + "), and resume. Columns", false);
            }
            if (!done) {
                execute(List.of("ALTER TABLE " + table + " RENAME COLUMN " + SqlText.identifier(rename.from()) + " TO "
                        + SqlText.identifier(rename.to())));
            }
        }
        pipeline.flush();
        options.sourceColumns().renamed(conn, target.targetKey(), rename.attnum(), rename.from(), rename.to());
        recorded(target).put(rename.attnum(), rename.to());
        log.info("cdc: {} (attnum {}): {}", change, rename.attnum(), written.isPresent()
                ? "renamed on " + table + " alike" : "not written to the target, followed");
        return target.withRenamedColumn(rename.from(), rename.to());
    }

    /** Whether the attnums settle what is gone and what is new: each gone one recorded, each new one unrecorded. */
    private static boolean settled(List<ApplyTarget.Column> gone, List<RelationColumn> unknown,
                                   Map<Integer, String> record, Map<String, Integer> now) {
        if (record.isEmpty() || now == null) {
            return false;
        }
        boolean goneKnown = gone.stream().allMatch(c -> attnumOf(record, c.sourceName()) != null);
        boolean newKnown = unknown.stream().allMatch(c -> now.get(c.name()) != null
                && (!record.containsKey(now.get(c.name())) || record.get(now.get(c.name())).equals(c.name())));
        return goneKnown && newKnown;
    }

    private static Integer attnumOf(Map<Integer, String> record, String name) {
        return record.entrySet().stream().filter(e -> e.getValue().equals(name)).map(Map.Entry::getKey).findFirst()
                .orElse(null);
    }

    private Map<Integer, String> recorded(ApplyTarget target) throws SQLException {
        Map<Integer, String> known = recorded.get(target.targetKey());
        if (known == null) {
            pipeline.flush();
            known = new HashMap<>(options.sourceColumns().recorded(conn, target.targetKey()));
            recorded.put(target.targetKey(), known);
        }
        return known;
    }

    private Map<String, Integer> attnums(Relation relation) throws SQLException {
        return options.sourceColumns().attnums(relation.namespace(), relation.name());
    }

    private void record(ApplyTarget target, int attnum, String name) throws SQLException {
        pipeline.flush();
        options.sourceColumns().added(conn, target.targetKey(), attnum, name);
        recorded(target).put(attnum, name);
    }

    private void forget(ApplyTarget target, int attnum) throws SQLException {
        pipeline.flush();
        options.sourceColumns().dropped(conn, target.targetKey(), attnum);
        recorded(target).remove(attnum);
    }

    /** ADD COLUMN: existing rows take the value the source gave its existing rows, then the default and NOT NULL. */
    private ApplyTarget added(Relation relation, ApplyTarget target, String table, RelationColumn column,
                              boolean planned) throws SQLException {
        String type = resolveType(relation, column);
        Optional<SourceColumns.Column> source = options.sourceColumns().column(relation.namespace(),
                relation.name(), column.name());
        String name = SqlText.identifier(column.name());
        if (source.map(SourceColumns.Column::rewritten).orElse(false)) {
            // the value the rows had is gone from the catalog (a later rewrite, or a volatile default): guessing NULL
            // would leave the target's rows different without a word
            throw new SchemaDriftException(relation.qualifiedName(), List.of(column.name()), "a column was added with a"
                    + " default whose value for the rows the table already had the source no longer keeps (the table"
                    + " was rewritten since, or the default is volatile); copy the table again ('godwit reload'), or"
                    + " add the column to " + table + " with those values by hand and resume. Columns", false);
        }
        List<String> statements = new ArrayList<>();
        statements.add("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + name + " " + type
                + source.flatMap(SourceColumns.Column::existingRowsValue)
                .map(v -> " DEFAULT " + SqlText.literal(v) + "::" + type).orElse(""));
        if (source.isPresent()) {
            statements.add("ALTER TABLE " + table + " ALTER COLUMN " + name
                    + source.get().defaultExpression().map(d -> " SET DEFAULT " + d).orElse(" DROP DEFAULT"));
            if (source.get().notNull()) {
                statements.add("ALTER TABLE " + table + " ALTER COLUMN " + name + " SET NOT NULL");
            }
        }
        execute(statements);
        if (planned && source.isPresent()) {
            record(target, source.get().attnum(), column.name());
        }
        log.info("cdc: column {} added to {} as on the source ({})", column.name(), table, type);
        return target.withColumn(column.name(), type);
    }

    /** DROP COLUMN: dropped on the target, or kept without NOT NULL (new rows get NULL there). */
    private ApplyTarget dropped(Relation relation, ApplyTarget target, String table, ApplyTarget.Column column,
                                DdlPolicy.Action action, Integer attnum) throws SQLException {
        String name = SqlText.identifier(column.targetName());
        switch (action) {
            case APPLY -> {
                execute(List.of("ALTER TABLE " + table + " DROP COLUMN IF EXISTS " + name));
                log.info("cdc: column {} dropped from {} as on the source", column.targetName(), table);
            }
            case IGNORE -> {
                execute(List.of("ALTER TABLE " + table + " ALTER COLUMN " + name + " DROP NOT NULL"));
                log.warn("cdc: column {} dropped on the source is kept on {} (cdc.ddl.dropColumn: ignore); new rows get"
                        + " NULL in it", column.targetName(), table);
            }
            default -> throw new SchemaDriftException(relation.qualifiedName(), List.of(column.sourceName()),
                    "columns were dropped on the source; to follow, set cdc.ddl.dropColumn: apply (or ignore to keep"
                            + " them on the target), or drop them from " + table + " by hand, and resume. Columns", false);
        }
        if (attnum != null) {
            forget(target, attnum);
        }
        return target.withoutColumn(column.sourceName());
    }

    /** ALTER COLUMN … TYPE to a wider type: altered on the target; anything else stops. */
    private ApplyTarget retyped(Relation relation, ApplyTarget target, String table, RelationColumn column,
                                DdlPolicy.Action action) throws SQLException {
        ApplyTarget.Column mapped = target.column(column.name()).orElseThrow();
        String to = resolveType(relation, column);
        String from = targetColumnType(target, mapped.targetName()).orElse(mapped.targetType());
        if (from.equals(to)) {
            return target.withColumnType(column.name(), to);
        }
        if (action != DdlPolicy.Action.APPLY || !TypeWidening.widens(from, to)) {
            throw new SchemaDriftException(relation.qualifiedName(), List.of(column.name()), "the type changed from "
                    + from + " to " + to + (TypeWidening.widens(from, to) ? "; to follow a wider type, set"
                    + " cdc.ddl.alterColumnType: apply" : ", which is not a widening godwit applies") + ", or alter "
                    + table + " by hand (ALTER TABLE … ALTER COLUMN … TYPE " + to + ") and resume. Columns", false);
        }
        String name = SqlText.identifier(mapped.targetName());
        execute(List.of("ALTER TABLE " + table + " ALTER COLUMN " + name + " TYPE " + to + " USING " + name + "::" + to));
        log.info("cdc: column {} of {} altered from {} to {} as on the source", mapped.targetName(), table, from, to);
        return target.withColumnType(column.name(), to);
    }

    private void execute(List<String> statements) throws SQLException {
        pipeline.flush();
        try (Statement s = conn.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private Optional<String> targetColumnType(ApplyTarget target, String column) throws SQLException {
        pipeline.flush();
        try (PreparedStatement ps = conn.prepareStatement("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = ?::regclass AND attname = ? AND attnum > 0 AND NOT attisdropped")) {
            ps.setString(1, SqlText.qualified(target.targetSchema(), target.targetName()));
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private String resolveType(Relation relation, RelationColumn column) throws SQLException {
        Optional<String> resolved = options.typeResolver().targetType(column.typeOid(), column.typeModifier());
        if (resolved.isEmpty()) {
            resolved = types.get(column.typeOid()).map(t -> SqlText.qualified(t.namespace(), t.name()));
        }
        if (resolved.isEmpty() && column.typeOid() < 16384) { // built-in: the same OID on every server
            try (PreparedStatement ps = conn.prepareStatement("SELECT format_type(?::oid, ?)")) {
                ps.setLong(1, column.typeOid());
                ps.setInt(2, column.typeModifier());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    resolved = Optional.ofNullable(rs.getString(1));
                }
            }
        }
        return resolved.orElseThrow(() -> new SchemaDriftException(relation.qualifiedName(),
                List.of(column.name()), "no target type known for type OID " + column.typeOid() + " of columns"));
    }
}
