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
import java.util.HashSet;
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
 * <li>a column gone and one new in the same message: a rename, or a drop and an add, which the message cannot tell
 *     apart: always stops, since taking a rename for a drop would empty the column on the target.</li>
 * </ul>
 * Whatever stops ends the applier with a {@link SchemaDriftException} that names the change and the fix.
 */
final class SchemaDrift {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SchemaDrift.class);

    private final Connection conn;
    private final ApplyOptions options;
    private final TypeCache types;
    private final StatementPipeline pipeline;

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
        Set<String> names = new HashSet<>();
        relation.columns().forEach(c -> names.add(c.name()));
        ApplyTarget known = target;
        List<ApplyTarget.Column> gone = target.columns().stream().filter(c -> !names.contains(c.sourceName())).toList();
        List<RelationColumn> unknown = relation.columns().stream()
                .filter(c -> known.column(c.name()).isEmpty() && !known.omittedColumns().contains(c.name()))
                .toList();
        if (!gone.isEmpty() && !unknown.isEmpty()) {
            throw new SchemaDriftException(relation.qualifiedName(), gone.stream().map(ApplyTarget.Column::sourceName)
                    .toList(), "columns were renamed, or dropped while " + unknown.stream().map(RelationColumn::name)
                    .toList() + " were added (a Relation message cannot tell these apart); if it was a rename, rename"
                    + " the column on the target (ALTER TABLE " + table + " RENAME COLUMN …) and resume; otherwise"
                    + " apply the drop and the add to the target by hand, and resume. Columns", false);
        }
        for (ApplyTarget.Column column : gone) {
            target = dropped(relation, target, table, column, ddl.dropColumn());
        }
        for (RelationColumn now : relation.columns()) {
            Optional<RelationColumn> was = previous.flatMap(p -> p.columns().stream()
                    .filter(c -> c.name().equals(now.name())).findFirst());
            if (was.isPresent() && (was.get().typeOid() != now.typeOid() || was.get().typeModifier() != now.typeModifier())
                    && target.column(now.name()).isPresent()) {
                target = retyped(relation, target, table, now, ddl.alterColumnType());
            }
        }
        for (RelationColumn column : unknown) {
            Optional<String> onTarget = targetColumnType(target, column.name());
            if (onTarget.isPresent()) {
                target = target.withColumn(column.name(), onTarget.get());
            } else if (ddl.addColumn() == DdlPolicy.Action.APPLY) {
                target = added(relation, target, table, column);
            } else if (ddl.addColumn() == DdlPolicy.Action.IGNORE) {
                log.warn("cdc: column {} added to {} is left out of the target (cdc.ddl.addColumn: ignore)",
                        column.name(), relation.qualifiedName());
                target = target.withOmitted(column.name());
            } else {
                throw new SchemaDriftException(relation.qualifiedName() + " (target " + target.qualifiedTarget() + ")",
                        List.of(column.name()), "the target has no columns", true);
            }
        }
        return target;
    }

    /** ADD COLUMN: existing rows take the value the source gave its existing rows, then the default and NOT NULL. */
    private ApplyTarget added(Relation relation, ApplyTarget target, String table, RelationColumn column)
            throws SQLException {
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
        log.info("cdc: column {} added to {} as on the source ({})", column.name(), table, type);
        return target.withColumn(column.name(), type);
    }

    /** DROP COLUMN: dropped on the target, or kept without NOT NULL (new rows get NULL there). */
    private ApplyTarget dropped(Relation relation, ApplyTarget target, String table, ApplyTarget.Column column,
                                DdlPolicy.Action action) throws SQLException {
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
