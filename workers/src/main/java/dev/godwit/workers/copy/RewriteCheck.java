package dev.godwit.workers.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Whether a relation was rewritten on the source after the snapshot a copy reads under: TRUNCATE and the
 * table-rewriting forms of ALTER TABLE are not MVCC-safe, so a copy whose snapshot is older than such a command sees
 * the relation empty (the new file's rows are all too new for it) and no error tells it so.
 *
 * <p>Every rewrite gives the relation a new file node. {@code pg_class} read by SQL under the transaction's snapshot
 * shows the file node the snapshot knew; {@code pg_relation_filenode} reads the latest catalog. Run after the COPY
 * read the relation, in the same transaction: the COPY's ACCESS SHARE lock is then held, so no rewrite can commit
 * between the read and the check. VACUUM FULL and CLUSTER change the file node too although they keep the rows an
 * older snapshot sees; they are reported as well, and copying such a table again costs time, never rows.
 */
public final class RewriteCheck {
    private RewriteCheck() {
    }

    /**
     * @param source   a session whose open transaction read {@code relation} under the snapshot to check
     * @param relation the quoted relation the COPY read
     * @throws RelationRewritten when the relation's file node differs between the snapshot and now
     */
    public static void verify(Connection source, String relation) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT (SELECT c.relfilenode FROM pg_class c"
                + " WHERE c.oid = r.oid), pg_relation_filenode(r.oid) FROM (SELECT ?::regclass::oid) r(oid)")) {
            ps.setString(1, relation);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long seen = rs.getLong(1);
                if (rs.wasNull()) {
                    // created after the snapshot: every row it holds is newer than the snapshot, none is missed
                    return;
                }
                long current = rs.getLong(2);
                if (!rs.wasNull() && seen != current) {
                    throw new RelationRewritten(relation, seen, current);
                }
            }
        }
    }

    /**
     * The relation was rewritten after the snapshot: what the copy read of it under that snapshot is incomplete (empty
     * after a TRUNCATE or a rewriting ALTER TABLE) and must not be kept. Copying again under the same snapshot would
     * read the same, so this is never a transient failure.
     */
    public static final class RelationRewritten extends SQLException {
        private final String relation;

        RelationRewritten(String relation, long snapshotFileNode, long currentFileNode) {
            super(relation + " was rewritten on the source (TRUNCATE or ALTER TABLE) after the snapshot the copy reads"
                    + " under (file node " + snapshotFileNode + " in the snapshot, " + currentFileNode + " now): the"
                    + " copy saw none of its rows", "55000");
            this.relation = relation;
        }

        /** The quoted source relation. */
        public String relation() {
            return relation;
        }
    }
}
