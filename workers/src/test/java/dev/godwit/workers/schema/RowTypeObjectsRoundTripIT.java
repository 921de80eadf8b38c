package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The objects that can exist only once a table does, as PostgREST's test schema has them: a table whose columns
 * are another table's row type (and an array of it), which sorts before that table by name; types built on a table's
 * row type (a domain over it, over an array of it, a composite with such an attribute), the functions and aggregates
 * that take those types or the row type itself, a view that reads itself, a view column's default, an argument named
 * by what a 13 prints bare and a 17 takes for a keyword ({@code json}); and what is left
 * out and must be named (a foreign table, whose server godwit does not create) or cleared (the comment of a target's
 * own public schema when the source's has none). Written from a 13 and a 17 source and run on a 17 target, whose
 * catalog must then say what the same DDL says on a 17.
 */
@ExtendWith(PgExtension.class)
class RowTypeObjectsRoundTripIT {

    static final String SHOP = """
            COMMENT ON SCHEMA public IS NULL;
            CREATE EXTENSION file_fdw;
            CREATE SCHEMA shop;
            CREATE TABLE shop.items (id integer PRIMARY KEY, name text NOT NULL);
            CREATE TABLE shop.baskets (id integer PRIMARY KEY, top shop.items, rest shop.items[]);
            CREATE DOMAIN shop.item AS shop.items CHECK ((VALUE).id > 0);
            CREATE DOMAIN shop.item_list AS shop.items[];
            CREATE TYPE shop.item_pair AS (first shop.item, second shop.items);
            CREATE FUNCTION shop.item_by_id(p_id integer) RETURNS SETOF shop.item LANGUAGE sql STABLE
                AS $$ SELECT i::shop.item FROM shop.items i WHERE i.id = p_id $$;
            CREATE FUNCTION shop.pair(a shop.items, b shop.items) RETURNS shop.item_pair LANGUAGE sql IMMUTABLE
                AS $$ SELECT ROW(a, b)::shop.item_pair $$;
            CREATE FUNCTION shop.names_step(acc text, i shop.items) RETURNS text LANGUAGE sql IMMUTABLE
                AS $$ SELECT coalesce(acc || ',', '') || i.name $$;
            CREATE AGGREGATE shop.names(shop.items) (SFUNC = shop.names_step, STYPE = text);
            CREATE FUNCTION shop.collect_step(acc shop.item_list, i shop.item) RETURNS shop.item_list
                LANGUAGE sql IMMUTABLE AS $$ SELECT (coalesce(acc, '{}') || (i)::shop.items)::shop.item_list $$;
            CREATE AGGREGATE shop.collect(shop.item) (SFUNC = shop.collect_step, STYPE = shop.item_list);
            CREATE FUNCTION shop.count_step(acc integer, i integer) RETURNS integer LANGUAGE sql IMMUTABLE
                AS $$ SELECT acc + 1 $$;
            CREATE AGGREGATE shop.how_many(integer) (SFUNC = shop.count_step, STYPE = integer, INITCOND = '0');
            CREATE FUNCTION shop.label(i shop.items, "json" json DEFAULT '{}') RETURNS text LANGUAGE sql
                AS $$ SELECT i.name || json::text $$;
            COMMENT ON FUNCTION shop.label(shop.items, json) IS 'json is a keyword from 16 on, not on 13';
            CREATE VIEW shop.looped AS SELECT id, name FROM shop.items;
            CREATE OR REPLACE VIEW shop.looped AS SELECT id, name FROM shop.looped;
            CREATE VIEW shop.named AS SELECT id, name FROM shop.items;
            ALTER VIEW shop.named ALTER COLUMN name SET DEFAULT 'unnamed';
            CREATE SERVER shop_files FOREIGN DATA WRAPPER file_fdw;
            CREATE FOREIGN TABLE shop.imported (id integer) SERVER shop_files
                OPTIONS (filename '/dev/null', format 'csv');
            """;

    /** What both catalogs must agree on, one query per kind. */
    static final Map<String, String> CATALOG = Map.of(
            "types", "SELECT t.typname || ' ' || t.typtype::text || ' ' || coalesce(format_type(nullif(t.typbasetype, 0),"
                    + " NULL), '-') || ' ' || coalesce((SELECT string_agg(pg_get_constraintdef(c.oid), ',') FROM"
                    + " pg_constraint c WHERE c.contypid = t.oid), '-') || ' ' || coalesce((SELECT string_agg(a.attname"
                    + " || ':' || format_type(a.atttypid, NULL), ',' ORDER BY a.attnum) FROM pg_attribute a JOIN pg_class r"
                    + " ON r.oid = a.attrelid WHERE a.attrelid = t.typrelid AND r.relkind = 'c'), '-') FROM pg_type t"
                    + " WHERE t.typnamespace = 'shop'::regnamespace AND (t.typtype = 'd' OR t.typtype = 'c' AND EXISTS (SELECT 1"
                    + " FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c'))"
                    + " ORDER BY 1",
            "functions", "SELECT pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace = 'shop'::regnamespace"
                    + " AND p.prokind <> 'a' ORDER BY p.proname",
            "aggregates", "SELECT a.aggfnoid::regprocedure || ' ' || a.aggtransfn::regproc || ' '"
                    + " || a.aggtranstype::regtype || ' ' || coalesce(a.agginitval, '-') FROM pg_aggregate a JOIN pg_proc p"
                    + " ON p.oid = a.aggfnoid WHERE p.pronamespace = 'shop'::regnamespace ORDER BY 1",
            "views", "SELECT c.relname || ' ' || pg_get_viewdef(c.oid) FROM pg_class c"
                    + " WHERE c.relnamespace = 'shop'::regnamespace AND c.relkind = 'v' ORDER BY 1",
            "view defaults", "SELECT d.adrelid::regclass || '.' || d.adnum || ' ' || pg_get_expr(d.adbin, d.adrelid)"
                    + " FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid WHERE c.relkind = 'v' ORDER BY 1",
            "schema comments", "SELECT n.nspname || ' ' || coalesce(obj_description(n.oid, 'pg_namespace'), '-')"
                    + " FROM pg_namespace n WHERE n.nspname IN ('public', 'shop') ORDER BY 1",
            "table columns", "SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
                    + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relnamespace = 'shop'::regnamespace"
                    + " AND c.relkind = 'r' AND a.attnum > 0 ORDER BY 1",
            "function comments", "SELECT d.objoid::regprocedure || ' ' || d.description FROM pg_description d"
                    + " WHERE d.classoid = 'pg_proc'::regclass ORDER BY 1");

    @ParameterizedTest(name = "PostgreSQL {0} to 17")
    @ValueSource(ints = {13, 17})
    void createsWhatIsBuiltOnATablesRowTypeAfterTheTables(int sourceMajor, PgLab lab) throws SQLException {
        TestDatabase source = lab.newDatabase(sourceMajor);
        source.execute(SHOP);
        TestDatabase target = lab.newDatabase(17);
        SourceCatalog catalog = DdlRoundTripIT.read(source);
        List<TargetTableSpec> tables = TestMappings.identitySpecs(catalog, new PartitionRule.Keep()).stream()
                .filter(s -> s.source().kind() == TableKind.TABLE).toList();
        SchemaScript script = DdlWriter.write(catalog, tables, DdlWriter.Options.defaults()
                .withSchemaSelection(schema -> schema.equals("shop") || schema.equals("public")));

        try (Connection c = target.connect()) {
            c.setAutoCommit(false);
            ScriptRunner.run(c, script.preData());
            ScriptRunner.run(c, script.postDataInOrder());
            c.commit();
        }

        TestDatabase reference = lab.newDatabase(17);
        reference.execute(SHOP);
        for (Map.Entry<String, String> kind : CATALOG.entrySet()) {
            assertEquals(reference.column(kind.getValue()), target.column(kind.getValue()), kind.getKey());
        }
        assertNull(target.value("SELECT obj_description('public'::regnamespace, 'pg_namespace')"),
                "the target's public schema kept template1's comment");
        assertEquals(List.of("foreign server shop_files", "foreign table shop.imported"),
                script.notCreated().stream().map(SchemaScript.NotCreated::object).sorted().toList(),
                script.notCreated().toString());
        // and they work: the aggregates and functions over the row type, the default through the view
        target.execute("INSERT INTO shop.items VALUES (1, 'pen'), (2, 'ink')",
                "INSERT INTO shop.named (id) VALUES (3)");
        assertEquals("ink,pen,unnamed", target.value("SELECT shop.names(i ORDER BY name) FROM shop.items i"));
        assertEquals("3", target.value("SELECT cardinality(shop.collect(i::shop.item)) FROM shop.items i"));
        assertEquals("3", target.value("SELECT shop.how_many(id) FROM shop.items"));
        assertEquals("pen", target.value("SELECT (i).name FROM shop.item_by_id(1) i"));
        target.execute("INSERT INTO shop.baskets SELECT 1, i, ARRAY[i, i] FROM shop.items i WHERE id = 2");
        assertEquals("ink 2", target.value("SELECT (top).name || ' ' || cardinality(rest) FROM shop.baskets"));
        assertEquals("pen{}", target.value("SELECT shop.label(i) FROM shop.items i WHERE id = 1"));
        assertEquals("ink", target.value("SELECT ((shop.pair(a, b)).second).name FROM shop.items a, shop.items b"
                + " WHERE a.id = 1 AND b.id = 2"));
    }
}
