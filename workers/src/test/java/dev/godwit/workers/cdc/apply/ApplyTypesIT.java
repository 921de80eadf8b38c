package dev.godwit.workers.cdc.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.godwit.workers.cdc.apply.ApplyFixture.Feed;
import dev.godwit.workers.cdc.apply.ApplyFixture.TableCheckpoint;
import dev.godwit.workers.cdc.pgoutput.ColumnValue;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Insert;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Relation;
import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Update;
import dev.godwit.workers.cdc.pgoutput.RelationColumn;
import dev.godwit.workers.cdc.pgoutput.ReplicaIdentity;
import dev.godwit.workers.cdc.pgoutput.TupleData;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Text values bound with a cast to the target type round-trip exactly, PostgreSQL 13 → 17. */
@ExtendWith(PgExtension.class)
@Timeout(120)
class ApplyTypesIT {

    /** What the replication connection forces, so that pgoutput's text is exact (see cdc-correctness.md). */
    private static final String SESSION = "SET datestyle = ISO; SET intervalstyle = postgres;"
            + " SET extra_float_digits = 3; SET TimeZone = 'UTC'";

    private static final String SCHEMA = """
            CREATE EXTENSION hstore;
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy ''quoted''');
            CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
            CREATE TYPE addr AS (street text, no int);
            CREATE TABLE ref (id int PRIMARY KEY, arr int[], moods mood[], txts text[], h hstore, j json, jb jsonb,
                e mood, r int4range, tr tstzrange, d posint, c addr, m money, iv interval, f8 float8, f4 real,
                ts timestamptz, tsn timestamp, dt date, nm numeric, nm4 numeric(18,4), by bytea, bv bit varying(16),
                u uuid, ip inet, cid cidr, pt point, x xml, t text);
            """;

    private static final String ROWS = """
            INSERT INTO ref VALUES
            (1, '{1,NULL,3}', '{sad,"happy ''quoted''"}', '{"a b","c\\"d",NULL,"NULL",""}',
             'a=>1, "b c"=>NULL, "q\\"x"=>"y\\\\z"', '{"k" : [1, 2.50, "é"]}', '{"k": [1, 2.50, "é"], "z": null}',
             'happy ''quoted''', '[1,10)', '[2024-01-01 10:00+02,infinity)', 7, '("Main St, \\"2\\"",12)', 1234.56,
             '1 year 2 mons -3 days 04:05:06.789', 'NaN', 'Infinity', 'infinity', '-infinity', 'infinity',
             '123456789012345678901234567890.123456789012345678901234567890', 1.5, '\\x00ff10', B'1011',
             'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '192.168.1.5/24', '10.0.0.0/8', '(1.5,-2)', '<a b="1">x</a>',
             E'tab\\there, quote '' backslash \\\\ nl\\n é 🐘'),
            (2, '{}', '{}', '{}', '', '[]', '{}', 'sad', 'empty', '(,)', 1, '(,)', -0.01,
             '-00:00:00.000001', 'Infinity', '-Infinity', '-infinity', 'infinity', '-infinity',
             '-0.000000000000000000000000000001', -99999999999999.9999, '\\x', B'', '00000000-0000-0000-0000-000000000000',
             '::1', '::/0', '(0,0)', '<empty/>', ''),
            (3, '{{1,2},{3,4}}', NULL, NULL, NULL, NULL, 'null', NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, '-Infinity', 'NaN', '2024-02-29 23:59:59.999999+00', '2024-02-29 23:59:59.999999', '0001-01-01 BC',
             'NaN', 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
            (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1e-320, 3.4028235e38,
             '1970-01-01 00:00:00+00', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
            """;

    @Test
    void textValuesBoundWithACastToTheTargetTypeRoundTripExactlyFrom13To17(PgLab lab) throws SQLException {
        TestDatabase source = lab.newDatabase(13);
        TestDatabase target = lab.newDatabase(17);
        source.execute(SCHEMA, ROWS);
        target.execute(SCHEMA);

        List<String> names = new ArrayList<>();
        List<TupleData> rows = new ArrayList<>();
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            s.execute(SESSION);
            try (ResultSet rs = s.executeQuery("SELECT * FROM ref ORDER BY id")) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    names.add(md.getColumnName(i));
                }
            }
            String textColumns = String.join(", ", names.stream().map(n -> "\"" + n + "\"::text").toList());
            try (ResultSet rs = s.executeQuery("SELECT " + textColumns + " FROM ref ORDER BY id")) {
                while (rs.next()) {
                    List<ColumnValue> values = new ArrayList<>();
                    for (int i = 1; i <= names.size(); i++) {
                        String v = rs.getString(i);
                        values.add(v == null ? ColumnValue.Null.INSTANCE : new ColumnValue.Text(v));
                    }
                    rows.add(new TupleData(values));
                }
            }
        }
        List<RelationColumn> columns = new ArrayList<>();
        for (String n : names) {
            columns.add(new RelationColumn(n.equals("id") ? 1 : 0, n, 25, -1));
        }
        Relation ref = new Relation(10, "public", "ref", ReplicaIdentity.DEFAULT, columns);

        try (Connection conn = target.connect()) {
            try (Statement s = conn.createStatement()) {
                s.execute(SESSION);
            }
            Feed f = new Feed(new ChangeApplier(conn, ApplyFixture.identityRouting(target), new TableCheckpoint(target),
                    ApplyFixture.perTransaction()));
            f.begin(1).send(ref);
            for (int i = 0; i < rows.size() - 1; i++) {
                f.send(new Insert(10, rows.get(i)));
            }
            // the last row arrives by UPDATE: the SET list binds the same casts
            List<ColumnValue> first = new ArrayList<>(rows.get(rows.size() - 1).values());
            first.replaceAll(v -> first.indexOf(v) == 0 ? v : ColumnValue.Null.INSTANCE);
            f.send(new Insert(10, new TupleData(first)), new Update(10, Optional.empty(), rows.get(rows.size() - 1)));
            f.commit(1);
        }
        String rowText = "SELECT r::text FROM ref r ORDER BY id";
        assertEquals(text(source, rowText), text(target, rowText));
    }

    private static List<String> text(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(SESSION);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}
