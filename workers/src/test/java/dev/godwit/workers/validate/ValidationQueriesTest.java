package dev.godwit.workers.validate;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ValidationQueriesTest {
    private final ChunkKey key = new ChunkKey("\"id\"", "\"account_id\"", "account_id", false, false);
    private final ValidatedTable table = new ValidatedTable("app.accounts",
            List.of("\"public\".\"accounts_2024\"", "\"public\".\"accounts_2025\""),
            List.of("\"id\"", "\"balance\"::numeric(20,2)", "upper(\"name\")"), Optional.of("\"region\" = 'eu'"),
            "\"app\".\"accounts\"", false, List.of("\"account_id\"", "\"balance\"", "\"name_upper\""), Optional.of(key));

    @Test
    void theRowHashIsTheFirst64BitsOfTheMd5OfTheRowText() {
        assertEquals("('x' || left(md5(ROW(\"a\", \"b\")::text), 16))::bit(64)::bigint",
                ValidationQueries.rowHash(List.of("\"a\"", "\"b\"")));
    }

    @Test
    void theSourceSideReadsEveryRelationThroughTheMappingsWithTheFilterAndTheRange() {
        Chunk chunk = new Chunk(2, Optional.of("10"), Optional.of("20"), false);
        String hash = "('x' || left(md5(ROW(\"id\", \"balance\"::numeric(20,2), upper(\"name\"))::text), 16))::bit(64)::bigint";
        assertEquals("SELECT count(*), sum(h)::text FROM ("
                + "SELECT " + hash + " AS h FROM ONLY \"public\".\"accounts_2024\" WHERE \"id\" >= '10' AND \"id\" < '20' AND (\"region\" = 'eu')"
                + " UNION ALL "
                + "SELECT " + hash + " AS h FROM ONLY \"public\".\"accounts_2025\" WHERE \"id\" >= '10' AND \"id\" < '20' AND (\"region\" = 'eu')"
                + ") r", ValidationQueries.sourceChunk(table, chunk, true));
    }

    @Test
    void theTargetSideReadsTheMappedColumnsInTheSameOrderWithTheSameRange() {
        Chunk chunk = new Chunk(2, Optional.of("10"), Optional.of("20"), false);
        assertEquals("SELECT count(*), sum(('x' || left(md5(ROW(\"account_id\", \"balance\", \"name_upper\")::text), 16))"
                + "::bit(64)::bigint)::text FROM ONLY \"app\".\"accounts\" WHERE \"account_id\" >= '10' AND \"account_id\" < '20'",
                ValidationQueries.targetChunk(table, chunk, true));
    }

    @Test
    void countsOnlyWithoutContent() {
        assertEquals("SELECT count(*), NULL::text FROM \"app\".\"accounts\"",
                ValidationQueries.targetChunk(new ValidatedTable("app.accounts", List.of("\"s\".\"t\""), List.of("\"a\""),
                        Optional.empty(), "\"app\".\"accounts\"", true, List.of("\"a\""), Optional.empty()), Chunk.whole(), false));
        assertEquals("SELECT count(*), NULL::text FROM (SELECT 1 AS h FROM ONLY \"s\".\"t\") r",
                ValidationQueries.sourceChunk(new ValidatedTable("app.accounts", List.of("\"s\".\"t\""), List.of("\"a\""),
                        Optional.empty(), "\"app\".\"accounts\"", true, List.of("\"a\""), Optional.empty()), Chunk.whole(), false));
    }

    @Test
    void boundariesAreEverySizethKeyAfterTheFirstChunk() {
        assertEquals("SELECT b FROM (SELECT k::text AS b, row_number() OVER (ORDER BY k) AS n FROM ("
                + "SELECT \"id\" AS k FROM ONLY \"public\".\"accounts_2024\" WHERE \"id\" IS NOT NULL AND (\"region\" = 'eu')"
                + " UNION ALL "
                + "SELECT \"id\" AS k FROM ONLY \"public\".\"accounts_2025\" WHERE \"id\" IS NOT NULL AND (\"region\" = 'eu')"
                + ") u) x WHERE n > 1 AND (n - 1) % 1000 = 0 ORDER BY n", ValidationQueries.boundaries(table, key, 1000));
    }
}
