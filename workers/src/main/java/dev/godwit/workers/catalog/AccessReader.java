package dev.godwit.workers.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the {@link AccessControl}: owners and ACLs of the objects, then the default privileges. */
final class AccessReader {
    private final Query query;

    AccessReader(Query query) {
        this.query = query;
    }

    AccessControl read() throws SQLException {
        return new AccessControl(
                query.list("privileges", r -> new ObjectAcl(ObjectAcl.Kind.of(r.getString("kind")), r.getLong("oid"),
                        r.getString("schema"), r.getString("name"), Query.string(r, "column_name"),
                        r.getString("owner"), entries(r, "granted_"), entries(r, "default_"))),
                query.list("default-privileges", r -> new DefaultAcl(r.getString("role"), Query.string(r, "schema"),
                        r.getString("object_type"), entries(r, "granted_"), entries(r, "default_"))));
    }

    /** The three parallel arrays {@code <prefix>grantees}, {@code privileges}, {@code grantable} as entries. */
    private static List<AclEntry> entries(ResultSet r, String prefix) throws SQLException {
        String[] grantees = (String[]) r.getArray(prefix + "grantees").getArray();
        String[] privileges = (String[]) r.getArray(prefix + "privileges").getArray();
        Boolean[] grantable = (Boolean[]) r.getArray(prefix + "grantable").getArray();
        List<AclEntry> out = new ArrayList<>(grantees.length);
        for (int i = 0; i < grantees.length; i++) {
            out.add(new AclEntry(Optional.of(grantees[i]).filter(g -> !g.isEmpty()), privileges[i], grantable[i]));
        }
        return out;
    }
}
