package dev.godwit.workers.schema;

import dev.godwit.workers.catalog.Cast;
import dev.godwit.workers.catalog.Collation;
import dev.godwit.workers.catalog.Operator;
import dev.godwit.workers.catalog.OperatorClass;
import dev.godwit.workers.catalog.OperatorFamily;
import dev.godwit.workers.catalog.TextSearchConfiguration;
import dev.godwit.workers.catalog.TextSearchDictionary;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The statements godwit builds from catalog rows for collations, casts, operators and storage options. */
class DefinedObjectTextTest {

    private static Collation collation(String provider, Optional<String> collate, Optional<String> ctype,
                                       Optional<String> locale, boolean deterministic, Optional<String> rules) {
        return new Collation("app", "c1", provider, collate, ctype, locale, deterministic, rules, Optional.empty());
    }

    @Test
    void anIcuCollationTakesItsLocaleFromColllocaleOrBefore15FromCollcollate() {
        assertEquals(Optional.of("CREATE COLLATION IF NOT EXISTS \"app\".\"c1\" (provider = icu, locale = 'und-u-ks-level2',"
                        + " deterministic = false)"),
                CollationDdl.create(collation("i", Optional.of("und-u-ks-level2"), Optional.of("und-u-ks-level2"),
                        Optional.empty(), false, Optional.empty())));
        assertEquals(Optional.of("CREATE COLLATION IF NOT EXISTS \"app\".\"c1\" (provider = icu, locale = 'de',"
                        + " rules = '&a < b')"),
                CollationDdl.create(collation("i", Optional.empty(), Optional.empty(), Optional.of("de"), true,
                        Optional.of("&a < b"))));
    }

    @Test
    void aLibcCollationSpellsCollateAndCtypeApartOnlyWhenTheyDiffer() {
        assertEquals(Optional.of("CREATE COLLATION IF NOT EXISTS \"app\".\"c1\" (provider = libc, locale = 'C')"),
                CollationDdl.create(collation("c", Optional.of("C"), Optional.of("C"), Optional.empty(), true,
                        Optional.empty())));
        assertEquals(Optional.of("CREATE COLLATION IF NOT EXISTS \"app\".\"c1\" (provider = libc, lc_collate = 'C',"
                        + " lc_ctype = 'en_US.utf8')"),
                CollationDdl.create(collation("c", Optional.of("C"), Optional.of("en_US.utf8"), Optional.empty(),
                        true, Optional.empty())));
        assertEquals(Optional.empty(), CollationDdl.create(collation("d", Optional.empty(), Optional.empty(),
                Optional.empty(), true, Optional.empty())));
    }

    @Test
    void aCastSaysHowItConvertsAndWhenItApplies() {
        assertEquals("CREATE CAST (app.cents AS numeric) WITH FUNCTION app.to_numeric(app.cents) AS ASSIGNMENT",
                CastDdl.create(new Cast("app.cents", "numeric", "f", "a", Optional.of("app.to_numeric(app.cents)"),
                        1, List.of("app", "pg_catalog", "app"), Optional.empty())));
        assertEquals("CREATE CAST (app.mood AS text) WITH INOUT AS IMPLICIT", CastDdl.create(new Cast("app.mood",
                "text", "i", "i", Optional.empty(), 0, List.of("app", "pg_catalog"), Optional.empty())));
        assertEquals("CREATE CAST (app.code AS text) WITHOUT FUNCTION", CastDdl.create(new Cast("app.code", "text",
                "b", "e", Optional.empty(), 0, List.of("app", "pg_catalog"), Optional.empty())));
    }

    @Test
    void anOperatorNamesOnlyTheOptionsItHas() {
        Operator prefix = new Operator(1, "app", "~~~", Optional.empty(), Optional.of("text"), "app.neg", 2,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false, Optional.empty());
        assertEquals("CREATE OPERATOR \"app\".~~~ (FUNCTION = app.neg, RIGHTARG = text)", OperatorDdl.create(prefix));
        Operator full = new Operator(1, "app", "=~=", Optional.of("text"), Optional.of("text"), "app.eq", 2,
                Optional.of("OPERATOR(app.=~=)"), Optional.of("OPERATOR(app.!~=)"), Optional.of("pg_catalog.eqsel"),
                Optional.of("pg_catalog.eqjoinsel"), true, true, Optional.empty());
        assertEquals("CREATE OPERATOR \"app\".=~= (FUNCTION = app.eq, LEFTARG = text, RIGHTARG = text,"
                + " COMMUTATOR = OPERATOR(app.=~=), NEGATOR = OPERATOR(app.!~=), RESTRICT = pg_catalog.eqsel,"
                + " JOIN = pg_catalog.eqjoinsel, HASHES, MERGES)", OperatorDdl.create(full));
    }

    @Test
    void aTextSearchConfigurationIsCreatedWithItsParserThenGivenItsMappings() {
        assertEquals("CREATE TEXT SEARCH DICTIONARY \"app\".\"d\" (TEMPLATE = pg_catalog.simple, stopwords = 'english')",
                TextSearchDdl.create(new TextSearchDictionary("app", "d", "pg_catalog.simple",
                        Optional.of("stopwords = 'english'"), Optional.empty())));
        assertEquals("CREATE TEXT SEARCH CONFIGURATION \"app\".\"c\" (PARSER = pg_catalog.\"default\");"
                        + " ALTER TEXT SEARCH CONFIGURATION \"app\".\"c\" ADD MAPPING FOR asciiword WITH app.d, pg_catalog.simple",
                TextSearchDdl.create(new TextSearchConfiguration("app", "c", "pg_catalog.\"default\"",
                        List.of("FOR asciiword WITH app.d, pg_catalog.simple"), Optional.empty())));
    }

    @Test
    void anOperatorClassListsItsMembersAndNamesAFamilyOnlyWhenItIsNotItsOwn() {
        assertEquals("CREATE OPERATOR CLASS \"app\".\"c\" DEFAULT FOR TYPE text USING \"hash\" AS"
                        + " OPERATOR 1 app.=~=(text,text), FUNCTION 1 (text, text) app.h(text)",
                OperatorClassDdl.create(new OperatorClass("app", "c", "hash", true, "text", "app.c", true,
                        List.of("OPERATOR 1 app.=~=(text,text)", "FUNCTION 1 (text, text) app.h(text)"),
                        Optional.empty(), Optional.empty())));
        assertEquals("CREATE OPERATOR CLASS \"app\".\"c\" FOR TYPE app.pt USING \"gist\" FAMILY app.f AS"
                        + " FUNCTION 1 (app.pt, app.pt) app.consistent(internal,app.pt), STORAGE app.box",
                OperatorClassDdl.create(new OperatorClass("app", "c", "gist", false, "app.pt", "app.f", false,
                        List.of("FUNCTION 1 (app.pt, app.pt) app.consistent(internal,app.pt)"), Optional.of("app.box"),
                        Optional.empty())));
        assertEquals("CREATE OPERATOR FAMILY \"app\".\"f\" USING \"btree\"; ALTER OPERATOR FAMILY \"app\".\"f\""
                        + " USING \"btree\" ADD OPERATOR 1 <(text,text)",
                OperatorClassDdl.create(new OperatorFamily("app", "f", "btree", List.of("OPERATOR 1 <(text,text)"),
                        false, Optional.empty())));
    }

    @Test
    void aStorageParameterIsQuotedAsPgDumpQuotesIt() {
        assertEquals("fillfactor='90'", StorageOptionsDdl.parameter("", "fillfactor=90"));
        assertEquals("toast.autovacuum_enabled='false'", StorageOptionsDdl.parameter("toast.", "autovacuum_enabled=false"));
        assertEquals("CREATE STATISTICS IF NOT EXISTS app.s (ndistinct) ON a, b FROM app.t",
                StatisticsObjectDdl.ifNotExists("CREATE STATISTICS app.s (ndistinct) ON a, b FROM app.t"));
    }
}
