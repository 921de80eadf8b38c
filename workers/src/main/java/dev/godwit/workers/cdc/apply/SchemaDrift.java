package dev.godwit.workers.cdc.apply;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.RelationColumn;
import dev.godwit.workers.cdc.pgoutput.TypeCache;
import dev.godwit.mappings.task.DdlPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    private final TargetDdl ddl;
    private final ColumnRecord record;
    private final RenameFollower renames;

    /**
     * @param types    the Type messages received, for the type of a new column of a user-defined type
     * @param pipeline sent before the target's catalog is read or its table altered
     */
    SchemaDrift(Connection conn, ApplyOptions options, TypeCache types, StatementPipeline pipeline) {
        this.conn = conn;
        this.options = options;
        this.types = types;
        this.ddl = new TargetDdl(conn, pipeline);
        this.record = new ColumnRecord(conn, options.sourceColumns(), pipeline);
        this.renames = new RenameFollower(ddl, record);
    }

    /**
     * The target of {@code relation}, with its columns as the source has them now.
     *
     * @param previous the relation's Relation message before this one, if any
     * @param target   its target until now
     */
    ApplyTarget reconcile(Relation relation, Optional<Relation> previous, ApplyTarget target) throws SQLException {
        DdlPolicy policy = options.ddl();
        String table = SqlText.qualified(target.targetSchema(), target.targetName());
        List<String> names = relation.columns().stream().map(RelationColumn::name).toList();
        // attnums are those of the planned source relation; a partition's own changes (routed to its parent's target)
        // may number its columns otherwise
        boolean planned = relation.namespace().equals(target.sourceSchema()) && relation.name().equals(target.sourceName());
        Map<Integer, String> recorded = planned ? record.of(target) : Map.of();
        Map<String, Integer> now = null;
        if (previous.isEmpty() && !recorded.isEmpty() && !follows(target, recorded)) {
            now = attnums(relation);
            target = renames.asRecorded(target, recorded, now, names);
        }
        List<ColumnRenames.Rename> renamed = List.of();
        if (!recorded.isEmpty() && (!gone(target, names).isEmpty() || !unknown(relation, target).isEmpty())) {
            now = now != null ? now : attnums(relation);
            renamed = ColumnRenames.find(names, recorded, now);
            for (Map.Entry<Integer, String> freed : ColumnRenames.freed(renamed, recorded, now).entrySet()) {
                Optional<ApplyTarget.Column> column = target.column(freed.getValue());
                if (column.isPresent()) {
                    target = dropped(relation, target, table, column.get(), policy.dropColumn(), freed.getKey());
                } else {
                    record.dropped(target, freed.getKey());
                    target = target.withoutColumn(freed.getValue()); // an omitted column: nothing on the target
                }
            }
            target = renamed.isEmpty() ? target : renames.follow(relation, target, renamed, policy.renameColumn());
        }
        List<ApplyTarget.Column> gone = gone(target, names);
        List<RelationColumn> unknown = unknown(relation, target);
        if (!gone.isEmpty() && !unknown.isEmpty() && !settled(gone, unknown, recorded, now)) {
            throw new SchemaDriftException(relation.qualifiedName(), gone.stream().map(ApplyTarget.Column::sourceName)
                    .toList(), "columns were renamed, or dropped while " + unknown.stream().map(RelationColumn::name)
                    .toList() + " were added, and the source's attnums cannot tell which (" + (recorded.isEmpty()
                    ? "godwit has no record of them for this table" : "the source has renamed or dropped them again"
                    + " since") + "); if it was a rename, rename the column on the target (ALTER TABLE " + table
                    + " RENAME COLUMN …) and resume; otherwise apply the drop and the add to the target by hand, and"
                    + " resume. Columns", false);
        }
        for (ApplyTarget.Column column : gone) {
            Integer attnum = ColumnRecord.attnumOf(recorded, column.sourceName());
            if (attnum != null && now != null && now.containsValue(attnum)) {
                // the column lives on under a name this message does not show: renamed since, and maybe again
                throw new SchemaDriftException(relation.qualifiedName(), List.of(column.sourceName()), "a column is gone"
                        + " from the stream but not from the source, where it has another name now (renamed more than"
                        + " once while the stream lagged); rename it on the target (ALTER TABLE " + table + " RENAME"
                        + " COLUMN …) to the name it has in the stream at this point and resume. Columns", false);
            }
            target = dropped(relation, target, table, column, policy.dropColumn(), attnum);
        }
        for (RelationColumn current : relation.columns()) {
            String before = renamed.stream().filter(r -> r.to().equals(current.name())).map(ColumnRenames.Rename::from)
                    .findFirst().orElse(current.name());
            Optional<RelationColumn> was = previous.flatMap(p -> p.columns().stream()
                    .filter(c -> c.name().equals(before)).findFirst());
            if (was.isPresent() && (was.get().typeOid() != current.typeOid()
                    || was.get().typeModifier() != current.typeModifier()) && target.column(current.name()).isPresent()) {
                target = retyped(relation, target, table, current, policy.alterColumnType());
            }
        }
        for (RelationColumn column : unknown) {
            Optional<String> onTarget = ddl.columnType(target, column.name());
            if (onTarget.isPresent()) {
                target = target.withColumn(column.name(), onTarget.get());
            } else if (policy.addColumn() == DdlPolicy.Action.APPLY) {
                target = added(relation, target, table, column, planned);
            } else if (policy.addColumn() == DdlPolicy.Action.IGNORE) {
                log.warn("cdc: column {} added to {} is left out of the target (cdc.ddl.addColumn: ignore)",
                        column.name(), relation.qualifiedName());
                if (planned) {
                    Optional<SourceColumns.Column> source = options.sourceColumns().column(relation.namespace(),
                            relation.name(), column.name());
                    if (source.isPresent()) {
                        record.added(target, source.get().attnum(), column.name());
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

    /** Whether the attnums settle what is gone and what is new: each gone one recorded, each new one unrecorded. */
    private static boolean settled(List<ApplyTarget.Column> gone, List<RelationColumn> unknown,
                                   Map<Integer, String> record, Map<String, Integer> now) {
        if (record.isEmpty() || now == null) {
            return false;
        }
        boolean goneKnown = gone.stream().allMatch(c -> ColumnRecord.attnumOf(record, c.sourceName()) != null);
        boolean newKnown = unknown.stream().allMatch(c -> now.get(c.name()) != null
                && (!record.containsKey(now.get(c.name())) || record.get(now.get(c.name())).equals(c.name())));
        return goneKnown && newKnown;
    }

    private Map<String, Integer> attnums(Relation relation) throws SQLException {
        return options.sourceColumns().attnums(relation.namespace(), relation.name());
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
        ddl.execute(statements);
        if (planned && source.isPresent()) {
            record.added(target, source.get().attnum(), column.name());
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
                ddl.execute(List.of("ALTER TABLE " + table + " DROP COLUMN IF EXISTS " + name));
                log.info("cdc: column {} dropped from {} as on the source", column.targetName(), table);
            }
            case IGNORE -> {
                ddl.execute(List.of("ALTER TABLE " + table + " ALTER COLUMN " + name + " DROP NOT NULL"));
                log.warn("cdc: column {} dropped on the source is kept on {} (cdc.ddl.dropColumn: ignore); new rows get"
                        + " NULL in it", column.targetName(), table);
            }
            default -> throw new SchemaDriftException(relation.qualifiedName(), List.of(column.sourceName()),
                    "columns were dropped on the source; to follow, set cdc.ddl.dropColumn: apply (or ignore to keep"
                            + " them on the target), or drop them from " + table + " by hand, and resume. Columns", false);
        }
        if (attnum != null) {
            record.dropped(target, attnum);
        }
        return target.withoutColumn(column.sourceName());
    }

    /** ALTER COLUMN … TYPE to a wider type: altered on the target; anything else stops. */
    private ApplyTarget retyped(Relation relation, ApplyTarget target, String table, RelationColumn column,
                                DdlPolicy.Action action) throws SQLException {
        ApplyTarget.Column mapped = target.column(column.name()).orElseThrow();
        String to = resolveType(relation, column);
        String from = ddl.columnType(target, mapped.targetName()).orElse(mapped.targetType());
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
        ddl.execute(List.of("ALTER TABLE " + table + " ALTER COLUMN " + name + " TYPE " + to + " USING " + name + "::" + to));
        log.info("cdc: column {} of {} altered from {} to {} as on the source", mapped.targetName(), table, from, to);
        return target.withColumnType(column.name(), to);
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
