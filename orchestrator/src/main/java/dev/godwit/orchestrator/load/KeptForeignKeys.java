package dev.godwit.orchestrator.load;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.schema.SchemaScript;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The foreign keys a target kept (targetTablePrepMode TRUNCATE_BEFORE_LOAD or DO_NOTHING keep the target's own table
 * definitions): the source's key of the same name on the same table is not added again, which would fail on the name
 * and end the load after all its data was in.
 */
final class KeptForeignKeys {
    private KeptForeignKeys() {
    }

    /** {@code statements} without those that add a foreign key the target already has under that name. */
    static List<SchemaScript.Statement> leftOut(Connection target, List<SchemaScript.Statement> statements)
            throws SQLException {
        List<String> existing = new ArrayList<>();
        try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname,"
                + " k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE k.contype = 'f'")) {
            while (rs.next()) {
                // the form ForeignKeyDdl writes
                existing.add("ALTER TABLE " + SqlText.qualified(rs.getString(1), rs.getString(2)) + " ADD CONSTRAINT "
                        + SqlText.identifier(rs.getString(3)) + " ");
            }
        }
        return statements.stream().filter(st -> existing.stream().noneMatch(st.sql()::startsWith)).toList();
    }
}
