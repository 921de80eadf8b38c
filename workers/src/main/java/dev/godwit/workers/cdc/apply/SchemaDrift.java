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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A relation's target after a Relation message, which the source sends again after DDL. A column whose type changed
 * stops the applier ({@link SchemaDriftException}); a new column is written when the target has it already, else
 * added to the target ({@code ALTER TABLE … ADD COLUMN}) when {@link ApplyOptions#allowAdditiveDdl()}, else stops it.
 */
final class SchemaDrift {

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
     * The target of {@code relation}, with any new columns.
     *
     * @param previous the relation's Relation message before this one, if any
     * @param target   its target until now
     */
    ApplyTarget reconcile(Relation relation, Optional<Relation> previous, ApplyTarget target) throws SQLException {
        List<String> changedType = new ArrayList<>();
        previous.ifPresent(p -> {
            for (RelationColumn was : p.columns()) {
                relation.columns().stream().filter(c -> c.name().equals(was.name())
                        && (c.typeOid() != was.typeOid() || c.typeModifier() != was.typeModifier()))
                        .forEach(c -> changedType.add(c.name()));
            }
        });
        if (!changedType.isEmpty()) {
            throw new SchemaDriftException(relation.qualifiedName(), changedType, "the type changed of columns");
        }
        ApplyTarget known = target;
        List<RelationColumn> unknown = relation.columns().stream()
                .filter(c -> known.column(c.name()).isEmpty() && !known.omittedColumns().contains(c.name()))
                .toList();
        for (RelationColumn column : unknown) {
            Optional<String> onTarget = targetColumnType(target, column.name());
            if (onTarget.isPresent()) {
                target = target.withColumn(column.name(), onTarget.get());
            } else if (options.allowAdditiveDdl()) {
                String type = resolveType(relation, column);
                pipeline.flush();
                try (Statement s = conn.createStatement()) {
                    s.execute("ALTER TABLE " + SqlText.qualified(target.targetSchema(), target.targetName())
                            + " ADD COLUMN IF NOT EXISTS " + SqlText.identifier(column.name()) + " " + type);
                }
                target = target.withColumn(column.name(), type);
            } else {
                throw new SchemaDriftException(relation.qualifiedName() + " (target " + target.qualifiedTarget() + ")",
                        unknown.stream().map(RelationColumn::name).toList(), "the target has no columns");
            }
        }
        return target;
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
