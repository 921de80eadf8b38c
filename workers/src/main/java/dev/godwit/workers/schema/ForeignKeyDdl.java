package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Constraint;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A foreign key on the target, from {@code pg_get_constraintdef}, which names the referenced table as the source
 * calls it: the text is cut around {@code REFERENCES name(}, the referencing columns and the referenced ones are
 * each renamed by their own table's mapping, and the referenced table is put under its target name. The keys go to
 * a phase of their own, after every table's keys, since they need the referenced table's key; a key to a table not
 * selected cannot be created and is left out with a warning.
 */
final class ForeignKeyDdl {
    private static final String GROUP = "foreign keys";

    private final SourceCatalog catalog;
    private final TargetNames names;

    ForeignKeyDdl(SourceCatalog catalog, TargetNames names) {
        this.catalog = catalog;
        this.names = names;
    }

    /**
     * A definition cut for rewriting: {@code local REFERENCES target referencedColumns rest}.
     *
     * @param local             {@code FOREIGN KEY (a, b)}
     * @param referencedColumns {@code (x, y)}, with its parentheses
     * @param rest              what follows: {@code ON DELETE CASCADE DEFERRABLE}, with its leading space
     */
    record Parts(String local, String referencedColumns, String rest) {
    }

    /** Cuts a definition, or empty when it does not read as {@code … REFERENCES name(…)…}. */
    static Optional<Parts> split(String definition) {
        int refs = definition.indexOf(" REFERENCES ");
        int open = openParenAfterName(definition, refs + " REFERENCES ".length());
        int close = definition.indexOf(')', open);
        if (refs < 0 || open < 0 || close < 0) {
            return Optional.empty();
        }
        return Optional.of(new Parts(definition.substring(0, refs), definition.substring(open, close + 1),
                definition.substring(close + 1)));
    }

    /**
     * Adds the foreign key {@code c} of the table (or kept partition) named {@code name} on the target.
     *
     * @param columns the source columns of the referencing table to their target names
     */
    void write(Constraint c, String name, Map<String, String> columns, ScriptBuilder script) {
        long refOid = c.referencedTableOid().orElse(-1);
        Optional<String> refName = names.relation(refOid);
        if (refName.isEmpty()) {
            script.warn(name + ": foreign key " + c.name() + " left out, the table it references (oid " + refOid
                    + ") is not selected");
            return;
        }
        Optional<Parts> parts = split(c.definition());
        if (parts.isEmpty()) {
            script.warn(name + ": foreign key " + c.name() + " left out, its definition could not be read: "
                    + c.definition());
            return;
        }
        SqlRewriter.Result local = names.rewrite(parts.get().local(), columns);
        SqlRewriter.Result remote = SqlRewriter.rewrite(parts.get().referencedColumns(), s -> s,
                referencedColumns(refOid), s -> s);
        if (!local.removedColumns().isEmpty() || !remote.removedColumns().isEmpty()) {
            script.warn(name + ": foreign key " + c.name() + " left out, it uses removed column(s)");
            return;
        }
        script.addToShared(c.hasReferentialAction() ? SchemaScript.ACTION_FOREIGN_KEYS : GROUP,
                SchemaScript.FOREIGN_KEY_PHASE, new Statement("foreign key " + c.name() + " on "
                + name, "ALTER TABLE " + name + " ADD CONSTRAINT " + SqlText.identifier(c.name()) + " "
                + local.text() + " REFERENCES " + refName.get() + remote.text() + parts.get().rest()));
    }

    /** The referenced table's column renames; a relation without a mapping of its own keeps its columns' names. */
    private Map<String, String> referencedColumns(long refOid) {
        Map<String, String> mapped = names.columns(refOid);
        Optional<Table> refTable = catalog.tableByOid(refOid);
        if (!mapped.isEmpty() || refTable.isEmpty()) {
            return mapped;
        }
        Map<String, String> same = new LinkedHashMap<>();
        refTable.get().columns().forEach(col -> same.put(col.name(), col.name()));
        return same;
    }

    /** The first {@code (} at or after {@code from} that is not inside a quoted name. */
    private static int openParenAfterName(String def, int from) {
        int i = from;
        while (i < def.length()) {
            char ch = def.charAt(i);
            if (ch == '"') {
                i = SqlRewriter.endOfQuoted(def, i, '"');
            } else if (ch == '(') {
                return i;
            } else {
                i++;
            }
        }
        return -1;
    }
}
