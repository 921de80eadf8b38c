package dev.godwit.workers.schema;

import dev.godwit.workers.catalog.AclEntry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AclTextTest {
    private static final String FN = "FUNCTION \"app\".\"f\"(integer)";

    private static AclEntry entry(String grantee, String privilege, boolean grantable) {
        return new AclEntry(Optional.ofNullable(grantee), privilege, grantable);
    }

    @Test
    void onlyTheDifferenceFromTheDefaultIsRevokedAndGranted() {
        List<AclEntry> defaults = List.of(entry(null, "EXECUTE", false), entry("own", "EXECUTE", false));
        List<AclEntry> granted = List.of(entry("own", "EXECUTE", false), entry("web", "EXECUTE", true));
        List<String> named = new ArrayList<>();

        List<String> sql = new AclText("", FN, "own", "\"own\"", UnaryOperator.identity())
                .statements(granted, defaults, named::add);

        assertEquals(List.of("REVOKE EXECUTE ON " + FN + " FROM PUBLIC",
                "GRANT EXECUTE ON " + FN + " TO \"web\" WITH GRANT OPTION"), sql);
        assertEquals(List.of("web"), named);
    }

    @Test
    void theOwnersEntriesNameTheTargetOwnerAndAreNotARoleToFind() {
        List<AclEntry> defaults = List.of(entry("own", "SELECT", false), entry("own", "TRUNCATE", false));
        List<AclEntry> granted = List.of(entry("own", "SELECT", false), entry("r", "SELECT", false),
                entry("r", "UPDATE", false), entry("r", "SELECT", true));
        List<String> named = new ArrayList<>();

        List<String> sql = new AclText("", "TABLE t", "own", "CURRENT_USER", p -> p + " (\"c\")")
                .statements(granted, defaults, named::add);

        assertEquals(List.of("REVOKE TRUNCATE (\"c\") ON TABLE t FROM CURRENT_USER",
                "GRANT UPDATE (\"c\") ON TABLE t TO \"r\"",
                "GRANT SELECT (\"c\") ON TABLE t TO \"r\" WITH GRANT OPTION"), sql);
        assertEquals(List.of("r", "r"), named);
    }

    @Test
    void anObjectWithItsDefaultPrivilegesNeedsNoStatement() {
        List<AclEntry> same = List.of(entry(null, "USAGE", false), entry("own", "USAGE", false));
        assertEquals(List.of(), new AclText("", "TYPE t", "own", "\"own\"", UnaryOperator.identity())
                .statements(same, same, r -> { }));
    }
}
