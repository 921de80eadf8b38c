package dev.godwit.workers.schema;

import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One column of a CREATE TABLE: its target type, collation, identity, generated expression or default, NOT NULL,
 * and its comment. What a rename or retype makes impossible on the target (an identity on a non-integer type, a
 * default or expression naming what is gone) is left out with a warning rather than failing the script.
 */
final class ColumnDdl {
    private static final List<String> IDENTITY_TYPES = List.of("smallint", "integer", "bigint");

    /** The text inside CREATE TABLE's parentheses, and the COMMENT ON COLUMN to run after it. */
    record Definition(String sql, Optional<Statement> comment) {
    }

    private final TargetNames names;
    private final TypeDdl types;
    private final SequenceDdl sequences;

    ColumnDdl(TargetNames names, TypeDdl types, SequenceDdl sequences) {
        this.names = names;
        this.types = types;
        this.sequences = sequences;
    }

    Definition definition(TargetTableSpec spec, ColumnMapping cm, ScriptBuilder script) {
        String table = TargetNames.table(spec);
        Map<String, String> columns = names.columns(spec);
        Optional<Column> src = cm.added() ? Optional.empty() : spec.source().column(cm.sourceName());
        boolean keeps = src.isPresent() && !cm.typeChanged() && cm.sourceName().equals(cm.targetName());
        String type = src.isPresent() && !cm.typeChanged() ? types.use(src.get().type())
                : types.use(cm.targetType());
        StringBuilder def = new StringBuilder(SqlText.identifier(cm.targetName())).append(' ').append(type);
        if (src.isEmpty()) {
            return new Definition(def.toString(), Optional.empty());
        }
        Column c = src.get();
        if (!cm.typeChanged()) {
            c.collation().ifPresent(coll -> def.append(" COLLATE ").append(coll));
        }
        if (c.isIdentity()) {
            if (cm.typeChanged() && !IDENTITY_TYPES.contains(cm.targetType())) {
                script.warn(table + "." + cm.targetName() + ": identity dropped, the target type "
                        + cm.targetType() + " cannot be an identity");
            } else {
                def.append(sequences.identity(spec, c));
            }
        } else if (c.isGenerated()) {
            SqlRewriter.Result expr = names.rewrite(c.generatedExpression().orElseThrow(), columns);
            if (!expr.removedColumns().isEmpty()) {
                script.warn(table + "." + cm.targetName() + ": no longer generated (it is a plain column"
                        + " holding the copied values) because its expression uses removed column(s) "
                        + expr.removedColumns());
            } else {
                // a virtual column comes from PostgreSQL 18 or later, so the target (never older) has them too
                def.append(" GENERATED ALWAYS AS (").append(expr.text()).append(c.virtualGenerated() ? ") VIRTUAL"
                        : ") STORED");
            }
        } else if (c.defaultExpression().isPresent()) {
            String expression = c.defaultExpression().get();
            if (keeps) {
                sequences.require(expression, spec, script);
                def.append(" DEFAULT ").append(names.rewrite(expression, columns).text());
            } else {
                script.warn(table + "." + cm.targetName() + ": DEFAULT " + expression
                        + " left out because the column was renamed or retyped");
            }
        }
        if (c.notNull()) {
            def.append(" NOT NULL");
        }
        Optional<Statement> comment = c.comment().map(text -> new Statement("comment on " + table + "."
                + cm.targetName(), "COMMENT ON COLUMN " + table + "." + SqlText.identifier(cm.targetName()) + " IS "
                + SqlText.literal(text)));
        return new Definition(def.toString(), comment);
    }
}
