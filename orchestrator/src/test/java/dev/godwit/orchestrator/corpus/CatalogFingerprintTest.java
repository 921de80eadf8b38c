package dev.godwit.orchestrator.corpus;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CatalogFingerprintTest {

    @Test
    void anArrayCastPrintedOutsideTheArrayIsComparedAsThePrintedFormParsedAgain() {
        String stored = "constraint | t c | CHECK (((active)::text = ANY ((ARRAY['Y'::character varying, 'N'''::character varying])::text[])))";
        String reparsed = "constraint | t c | CHECK (((active)::text = ANY (ARRAY[('Y'::character varying)::text, ('N'''::character varying)::text])))";

        assertEquals(reparsed, CatalogFingerprint.castsInsideArrays(stored));
        assertEquals(reparsed, CatalogFingerprint.castsInsideArrays(reparsed));
    }

    @Test
    void extensionVersionsAreComparedOnlyBetweenServersOfOneVersion() {
        CatalogFingerprint on13 = new CatalogFingerprint(13, new TreeSet<>(List.of("extension | pg_trgm | in public version 1.5")));
        CatalogFingerprint on17 = new CatalogFingerprint(17, new TreeSet<>(List.of("extension | pg_trgm | in public version 1.6")));
        CatalogFingerprint other17 = new CatalogFingerprint(17, new TreeSet<>(List.of("extension | pg_trgm | in public version 1.5")));

        assertEquals("", on13.differencesFrom(on17));
        assertEquals("only on the source: extension | pg_trgm | in public version 1.6\n"
                + "only on the target: extension | pg_trgm | in public version 1.5", on17.differencesFrom(other17));
    }
}
