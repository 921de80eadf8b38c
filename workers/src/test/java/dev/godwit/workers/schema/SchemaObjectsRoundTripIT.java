package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of object around the tables, written from a 13 or 17 source and run on a 17 target: the target's
 * catalog then says the same as the source's for views, functions, aggregates, triggers, rules, policies, row-level
 * security flags, comments, standalone sequences and unused domains, and what cannot be created is named.
 */
@ExtendWith(PgExtension.class)
class SchemaObjectsRoundTripIT {

    /** A small application: every object kind godwit creates, and a few it names instead. */
    static final String APP = """
            CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
            CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
            CREATE SCHEMA app;
            CREATE DOMAIN app.positive AS integer CHECK (VALUE > 0);
            COMMENT ON DOMAIN app.positive IS 'no column uses it';
            CREATE TYPE app.mood AS ENUM ('calm', 'busy');
            CREATE SEQUENCE app.ticket_no START 100;
            COMMENT ON SEQUENCE app.ticket_no IS 'nextval from the application only';
            CREATE FUNCTION app.current_owner() RETURNS integer LANGUAGE sql STABLE
                AS $$ SELECT coalesce(nullif(current_setting('app.owner', true), '')::integer, 1) $$;
            COMMENT ON FUNCTION app.current_owner() IS 'the owner of the session';
            CREATE FUNCTION app.token() RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, public
                AS $$ BEGIN RETURN encode(gen_random_bytes(4), 'hex'); END $$;
            CREATE TABLE app.accounts (
                id integer PRIMARY KEY,
                owner integer NOT NULL DEFAULT app.current_owner(),
                name text NOT NULL,
                balance numeric NOT NULL DEFAULT 0 CHECK (balance >= 0));
            CREATE INDEX accounts_name_trgm ON app.accounts USING gin (name gin_trgm_ops);
            CREATE TABLE app.audit (id serial PRIMARY KEY, account_id integer, note text);
            CREATE FUNCTION app.account(p_id integer) RETURNS app.accounts LANGUAGE sql STABLE
                AS $$ SELECT * FROM app.accounts WHERE id = p_id $$;
            CREATE FUNCTION app.audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO app.audit (account_id, note) VALUES (NEW.id, TG_ARGV[0] || ' ' || NEW.balance);
                RETURN NEW; END $$;
            CREATE FUNCTION app.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
            CREATE PROCEDURE app.deposit(p_id integer, amount numeric) LANGUAGE plpgsql
                AS $$ BEGIN UPDATE app.accounts SET balance = balance + amount WHERE id = p_id; END $$;
            CREATE AGGREGATE app.total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');
            COMMENT ON AGGREGATE app.total(integer) IS 'a sum that starts at 0';
            CREATE FUNCTION app.my_abs(integer) RETURNS integer LANGUAGE internal IMMUTABLE STRICT AS 'int4abs';
            CREATE TRIGGER accounts_audit AFTER UPDATE ON app.accounts FOR EACH ROW
                WHEN (old.balance IS DISTINCT FROM new.balance) EXECUTE FUNCTION app.audit_change('balance');
            COMMENT ON TRIGGER accounts_audit ON app.accounts IS 'every balance change';
            CREATE TRIGGER accounts_off BEFORE DELETE ON app.accounts FOR EACH ROW EXECUTE FUNCTION app.noop();
            ALTER TABLE app.accounts DISABLE TRIGGER accounts_off;
            CREATE CONSTRAINT TRIGGER accounts_deferred AFTER INSERT ON app.accounts DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION app.noop();
            CREATE VIEW app.rich_accounts WITH (security_barrier) AS
                SELECT id, owner, name, balance FROM app.accounts WHERE balance > 100;
            COMMENT ON VIEW app.rich_accounts IS 'more than 100';
            CREATE VIEW app.rich_names AS SELECT upper(name) AS name FROM app.rich_accounts;
            CREATE FUNCTION app.describe(r app.rich_accounts) RETURNS text LANGUAGE sql
                AS $$ SELECT r.name || ': ' || r.balance $$;
            CREATE MATERIALIZED VIEW app.balance_by_owner WITH (fillfactor = 60, toast.autovacuum_enabled = false) AS
                SELECT owner, sum(balance) AS total, app.total(1) AS accounts FROM app.accounts GROUP BY owner;
            CREATE UNIQUE INDEX balance_by_owner_owner ON app.balance_by_owner (owner);
            COMMENT ON MATERIALIZED VIEW app.balance_by_owner IS 'refreshed at the end of the load';
            CREATE MATERIALIZED VIEW app.owners_later AS SELECT DISTINCT owner FROM app.accounts WITH NO DATA;
            CREATE RULE audit_keep AS ON DELETE TO app.audit DO INSTEAD NOTHING;
            COMMENT ON RULE audit_keep ON app.audit IS 'the audit is never deleted';
            ALTER TABLE app.accounts ENABLE ROW LEVEL SECURITY;
            ALTER TABLE app.accounts FORCE ROW LEVEL SECURITY;
            CREATE POLICY own_rows ON app.accounts FOR SELECT USING (owner = app.current_owner());
            CREATE POLICY no_negative ON app.accounts AS RESTRICTIVE FOR UPDATE TO PUBLIC
                USING (true) WITH CHECK (balance >= 0);
            COMMENT ON POLICY own_rows ON app.accounts IS 'a session sees its own accounts';
            CREATE FUNCTION public.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
            CREATE EVENT TRIGGER on_ddl ON ddl_command_end EXECUTE FUNCTION public.on_ddl();
            CREATE PUBLICATION app_changes FOR TABLE app.accounts;
            COMMENT ON SCHEMA app IS 'the application';
            COMMENT ON EXTENSION pg_trgm IS 'trigram search of account names';
            CREATE SCHEMA app_hidden;
            COMMENT ON SCHEMA app_hidden IS 'empty, but the selection names it';
            CREATE SCHEMA util;
            CREATE FUNCTION util.squeeze(t text) RETURNS text LANGUAGE sql IMMUTABLE
                AS $$ SELECT regexp_replace(t, '\s+', ' ', 'g') $$;
            CREATE FUNCTION app.tidy(t text) RETURNS text LANGUAGE sql IMMUTABLE SET search_path = util, pg_catalog
                AS $$ SELECT squeeze(t) $$;
            CREATE COLLATION app.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
            COMMENT ON COLLATION app.ci IS 'equal whatever the case';
            CREATE COLLATION app.posix (locale = 'POSIX');
            CREATE TABLE app.tags (
                id integer PRIMARY KEY WITH (fillfactor = 80),
                label text COLLATE app.ci NOT NULL,
                sort_key text COLLATE app.posix,
                body text)
                WITH (fillfactor = 70, autovacuum_enabled = false, toast.autovacuum_enabled = false);
            ALTER TABLE app.tags ALTER COLUMN label SET STATISTICS 500;
            ALTER TABLE app.tags ALTER COLUMN body SET STORAGE EXTERNAL;
            ALTER TABLE app.tags ALTER COLUMN sort_key SET (n_distinct = -0.5);
            CREATE INDEX tags_lower ON app.tags (lower(body)) WITH (fillfactor = 60);
            ALTER INDEX app.tags_lower ALTER COLUMN 1 SET STATISTICS 300;
            CREATE TABLE app.events (id integer, at date NOT NULL, payload text) PARTITION BY RANGE (at);
            CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
                WITH (fillfactor = 50, toast.vacuum_truncate = false);
            ALTER TABLE app.events_2024 ALTER COLUMN payload SET STORAGE MAIN;
            CREATE STATISTICS app.tags_stats (ndistinct, dependencies) ON id, sort_key FROM app.tags;
            ALTER STATISTICS app.tags_stats SET STATISTICS 200;
            COMMENT ON STATISTICS app.tags_stats IS 'id and sort key together';
            CREATE FUNCTION app.same_label(a text, b text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE
                AS $$ BEGIN RETURN lower(a) = lower(b); END $$;
            CREATE OPERATOR app.=~= (FUNCTION = app.same_label, LEFTARG = text, RIGHTARG = text,
                COMMUTATOR = OPERATOR(app.=~=), RESTRICT = eqsel, JOIN = eqjoinsel);
            COMMENT ON OPERATOR app.=~= (text, text) IS 'equal ignoring case';
            CREATE FUNCTION app.label_hash(text) RETURNS integer LANGUAGE sql IMMUTABLE
                AS $$ SELECT hashtext(lower($1)) $$;
            CREATE OPERATOR CLASS app.label_ops FOR TYPE text USING hash
                AS OPERATOR 1 app.=~= (text, text), FUNCTION 1 app.label_hash(text);
            COMMENT ON OPERATOR CLASS app.label_ops USING hash IS 'equal ignoring case, hashed';
            CREATE INDEX tags_sort_key_ci ON app.tags USING hash (sort_key app.label_ops);
            CREATE OPERATOR FAMILY app.loose_ops USING hash;
            ALTER OPERATOR FAMILY app.loose_ops USING hash ADD OPERATOR 1 app.=~= (text, text),
                FUNCTION 1 (text, text) app.label_hash(text);
            COMMENT ON OPERATOR FAMILY app.loose_ops USING hash IS 'members of no class';
            CREATE TYPE app.cents AS (amount bigint);
            CREATE FUNCTION app.to_numeric(c app.cents) RETURNS numeric LANGUAGE sql IMMUTABLE
                AS $$ SELECT round(c.amount / 100.0, 2) $$;
            CREATE CAST (app.cents AS numeric) WITH FUNCTION app.to_numeric(app.cents) AS ASSIGNMENT;
            COMMENT ON CAST (app.cents AS numeric) IS 'cents to an amount';
            CREATE CAST (app.mood AS text) WITH INOUT AS ASSIGNMENT;
            CREATE TEXT SEARCH DICTIONARY app.english_simple (TEMPLATE = pg_catalog.simple, STOPWORDS = english);
            COMMENT ON TEXT SEARCH DICTIONARY app.english_simple IS 'english stop words, no stemming';
            CREATE TEXT SEARCH CONFIGURATION app.plain (COPY = pg_catalog.simple);
            ALTER TEXT SEARCH CONFIGURATION app.plain ALTER MAPPING FOR asciiword WITH app.english_simple, simple;
            COMMENT ON TEXT SEARCH CONFIGURATION app.plain IS 'simple, without english stop words';
            CREATE TABLE app.notes (id integer PRIMARY KEY, body text,
                words tsvector GENERATED ALWAYS AS (to_tsvector('app.plain'::regconfig, body)) STORED);
            """;

    /** What both sides' catalogs must agree on, one query per kind, each row a line of text. */
    static final Map<String, String> CATALOG = Map.ofEntries(
            Map.entry("views", "SELECT c.relname || ' ' || c.relkind::text || ' ' || c.relispopulated || ' '"
                    + " || coalesce(array_to_string(c.reloptions,"
                    + " ','), '') || ' ' || pg_get_viewdef(c.oid) FROM pg_class c WHERE c.relnamespace = 'app'::regnamespace"
                    + " AND c.relkind IN ('v', 'm') ORDER BY 1"),
            Map.entry("functions", "SELECT pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace ="
                    + " 'app'::regnamespace AND p.prokind <> 'a' AND p.proname <> 'my_abs' ORDER BY p.proname"),
            Map.entry("aggregates", "SELECT a.aggfnoid::regprocedure || ' ' || a.aggtransfn::regproc || ' '"
                    + " || a.aggtranstype::regtype || ' ' || coalesce(a.agginitval, '-') FROM pg_aggregate a JOIN pg_proc p"
                    + " ON p.oid = a.aggfnoid WHERE p.pronamespace = 'app'::regnamespace ORDER BY 1"),
            Map.entry("triggers", "SELECT pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text FROM pg_trigger t"
                    + " WHERE NOT t.tgisinternal AND t.tgrelid::regclass::text LIKE 'app.%' ORDER BY t.tgname"),
            Map.entry("rules", "SELECT rulename || ' ' || definition FROM pg_rules WHERE schemaname = 'app' ORDER BY 1"),
            Map.entry("policies", "SELECT policyname || ' ' || permissive || ' ' || roles::text || ' ' || cmd || ' '"
                    + " || coalesce(qual, '-') || ' ' || coalesce(with_check, '-') FROM pg_policies WHERE schemaname = 'app'"
                    + " ORDER BY 1"),
            Map.entry("row security", "SELECT relname || ' ' || relrowsecurity || ' ' || relforcerowsecurity"
                    + " FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relkind = 'r' ORDER BY 1"),
            Map.entry("comments", "SELECT d.classoid::regclass || ' ' || d.description FROM pg_description d"
                    + " WHERE d.objoid >= 16384 ORDER BY 1"),
            Map.entry("schemas", "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%'"
                    + " AND nspname <> 'information_schema' ORDER BY 1"),
            Map.entry("storage parameters", "SELECT c.relname || ' ' || coalesce(c.reloptions::text, '-') || ' '"
                    + " || coalesce(t.reloptions::text, '-') FROM pg_class c LEFT JOIN pg_class t ON t.oid = c.reltoastrelid"
                    + " WHERE c.relnamespace = 'app'::regnamespace AND c.relkind IN ('r', 'p', 'i', 'm') ORDER BY 1"),
            Map.entry("column options", "SELECT c.relname || '.' || a.attname || ' ' || coalesce(nullif(a.attstattarget,"
                    + " -1)::text, '-') || ' ' || a.attstorage::text || ' ' || coalesce(a.attoptions::text, '-')"
                    + " || ' ' || coalesce(a.attcollation::regcollation::text, '-') FROM pg_attribute a JOIN pg_class c"
                    + " ON c.oid = a.attrelid WHERE c.relnamespace = 'app'::regnamespace AND a.attnum > 0"
                    + " AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'i') ORDER BY 1"),
            Map.entry("collations", "SELECT collname || ' ' || collprovider::text || ' ' || collisdeterministic"
                    + " || ' ' || coalesce(collcollate, '-') || ' ' || coalesce(colllocale, '-') FROM pg_collation"
                    + " WHERE collnamespace = 'app'::regnamespace ORDER BY 1"),
            Map.entry("statistics objects", "SELECT pg_get_statisticsobjdef(oid) || ' ' || coalesce(stxstattarget::text,"
                    + " '-') FROM pg_statistic_ext WHERE stxnamespace = 'app'::regnamespace ORDER BY 1"),
            Map.entry("casts", "SELECT format_type(castsource, NULL) || ' ' || format_type(casttarget, NULL) || ' '"
                    + " || castfunc::regprocedure || ' ' || castmethod::text || ' ' || castcontext::text FROM pg_cast"
                    + " WHERE oid >= 16384 ORDER BY 1"),
            Map.entry("text search", "SELECT d.dictname || ' ' || t.tmplname || ' '"
                    + " || coalesce(d.dictinitoption, '-') FROM pg_ts_dict d JOIN pg_ts_template t ON t.oid = d.dicttemplate"
                    + " WHERE d.dictnamespace = 'app'::regnamespace"
                    + " UNION ALL SELECT c.cfgname || ' ' || m.maptokentype || ' ' || m.mapseqno || ' ' || m.mapdict::regdictionary"
                    + " FROM pg_ts_config c JOIN pg_ts_config_map m ON m.mapcfg = c.oid"
                    + " WHERE c.cfgnamespace = 'app'::regnamespace ORDER BY 1"),
            Map.entry("operator classes", "SELECT c.opcname || ' ' || f.opfname || ' ' || c.opcdefault || ' '"
                    + " || c.opcintype::regtype FROM pg_opclass c JOIN pg_opfamily f ON f.oid = c.opcfamily"
                    + " WHERE c.opcnamespace = 'app'::regnamespace UNION ALL SELECT f.opfname || ' '"
                    + " || o.amopstrategy || ' ' || o.amopopr::regoperator || ' ' || o.amoppurpose::text FROM pg_amop o"
                    + " JOIN pg_opfamily f ON f.oid = o.amopfamily WHERE f.opfnamespace = 'app'::regnamespace"
                    + " UNION ALL SELECT f.opfname || ' ' || p.amprocnum || ' ' || p.amproc::regprocedure FROM pg_amproc p"
                    + " JOIN pg_opfamily f ON f.oid = p.amprocfamily WHERE f.opfnamespace = 'app'::regnamespace ORDER BY 1"),
            Map.entry("operators", "SELECT oid::regoperator || ' ' || oprcode || ' ' || oprcom::regoperator || ' '"
                    + " || oprnegate || ' ' || oprrest || ' ' || oprjoin || ' ' || oprcanhash || ' ' || oprcanmerge"
                    + " FROM pg_operator WHERE oprnamespace = 'app'::regnamespace ORDER BY 1"),
            Map.entry("sequences", "SELECT relname FROM pg_class WHERE relnamespace = 'app'::regnamespace"
                    + " AND relkind = 'S' ORDER BY 1"),
            Map.entry("types", "SELECT typname || ' ' || typtype::text FROM pg_type WHERE typnamespace = 'app'::regnamespace"
                    + " AND typtype IN ('d', 'e') ORDER BY 1"),
            Map.entry("extensions", "SELECT extname FROM pg_extension ORDER BY 1"));

    /** The tables of the catalog (not its views, which become views), each under its own name. */
    private static List<TargetTableSpec> tables(SourceCatalog catalog) {
        return TestMappings.identitySpecs(catalog, new PartitionRule.Keep()).stream()
                .filter(s -> s.source().kind() == TableKind.TABLE || s.source().kind() == TableKind.PARTITIONED)
                .toList();
    }

    private static void run(TestDatabase target, SchemaScript script) throws SQLException {
        try (Connection c = target.connect()) {
            c.setAutoCommit(false);
            ScriptRunner.run(c, script.preData());
            ScriptRunner.run(c, script.postDataInOrder());
            c.commit();
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0} to 17")
    @ValueSource(ints = {13, 17})
    void createsEveryObjectKindSoThatBothCatalogsSayTheSame(int sourceMajor, PgLab lab) throws SQLException {
        TestDatabase source = lab.newDatabase(sourceMajor);
        source.execute(APP);
        TestDatabase target = lab.newDatabase(17);
        SourceCatalog catalog = DdlRoundTripIT.read(source);
        SchemaScript script = DdlWriter.write(catalog, tables(catalog), DdlWriter.Options.defaults()
                .withSchemaSelection(schema -> schema.startsWith("app")));

        run(target, script);

        // a 17 prints definitions its own way (IN before procedure arguments, say): the target is compared with
        // what the application's own DDL makes on a 17
        TestDatabase reference = source;
        if (sourceMajor != 17) {
            reference = lab.newDatabase(17);
            reference.execute(APP);
        }
        for (Map.Entry<String, String> kind : CATALOG.entrySet()) {
            assertEquals(reference.column(kind.getValue()), target.column(kind.getValue()), kind.getKey());
        }
        List<String> notCreated = script.notCreated().stream().map(SchemaScript.NotCreated::object).toList();
        assertEquals(List.of("function app.my_abs(integer)", "event trigger on_ddl", "publication app_changes"),
                notCreated, script.notCreated().toString());
        assertTrue(script.notCreated().get(0).reason().contains("internal-language"), script.notCreated().toString());
        // the objects work: a default calls a function, a trigger fires, the views and the aggregate read rows
        target.execute("INSERT INTO app.accounts (id, name, balance) VALUES (1, 'ada', 500), (2, 'bob', 50)",
                "UPDATE app.accounts SET balance = 600 WHERE id = 1",
                "REFRESH MATERIALIZED VIEW app.balance_by_owner",
                "DELETE FROM app.audit");
        assertEquals(List.of("1:balance 600"), target.column("SELECT account_id || ':' || note FROM app.audit"));
        assertEquals(List.of("ADA"), target.column("SELECT name FROM app.rich_names"));
        assertEquals("ada: 600", target.value("SELECT app.describe(r) FROM app.rich_accounts r"));
        assertEquals("1 650 2", target.value("SELECT owner || ' ' || total || ' ' || accounts FROM app.balance_by_owner"));
        assertEquals(8, target.value("SELECT app.token()").length());
        assertEquals("100", target.value("SELECT nextval('app.ticket_no')"));
        // the helper schema on a function's search_path came with it; the operator, the casts and the
        // collations work, and the statistics object is there to be filled by ANALYZE
        assertEquals("a b", target.value("SELECT app.tidy('a   b')"));
        target.execute("INSERT INTO app.tags VALUES (1, 'Rust', 'b', 'x'), (2, 'rust', 'B', 'y'), (3, 'Go', 'a', 'z')",
                "ANALYZE app.tags");
        assertEquals(List.of("1", "2"), target.column("SELECT id::text FROM app.tags WHERE label OPERATOR(app.=~=) 'RUST' ORDER BY id"));
        assertEquals(List.of("1", "2"), target.column("SELECT id::text FROM app.tags WHERE label = 'RUST' ORDER BY id"));
        assertEquals(List.of("B", "a", "b"), target.column("SELECT sort_key FROM app.tags ORDER BY sort_key"));
        assertEquals("12.34", target.value("SELECT (ROW(1234)::app.cents)::numeric"));
        try (Connection c = target.connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("SET enable_seqscan = off");
            String query = "SELECT count(*) FROM app.tags WHERE sort_key OPERATOR(app.=~=) 'b'";
            assertTrue(explain(st, query).contains("tags_sort_key_ci"), "the hash index of the operator class");
            try (java.sql.ResultSet rs = st.executeQuery(query)) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
            }
        }
        target.execute("INSERT INTO app.notes VALUES (1, 'The quick fox')");
        assertEquals("'fox':3 'quick':2", target.value("SELECT words::text FROM app.notes"));
        assertEquals("tags_stats", target.value("SELECT s.stxname FROM pg_statistic_ext s"
                + " JOIN pg_statistic_ext_data d ON d.stxoid = s.oid WHERE d.stxdndistinct IS NOT NULL"));
    }

    private static String explain(java.sql.Statement st, String query) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (java.sql.ResultSet rs = st.executeQuery("EXPLAIN " + query)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    @Test
    void namesTheObjectsOfARenamedTableInsteadOfCreatingThemWrong(PgLab lab) throws SQLException {
        TestDatabase source = lab.newDatabase(17);
        source.execute(APP);
        TestDatabase target = lab.newDatabase(17);
        SourceCatalog catalog = DdlRoundTripIT.read(source);
        List<TargetTableSpec> specs = tables(catalog).stream()
                .map(s -> !s.source().name().equals("accounts") ? s : new TargetTableSpec(s.source(),
                        TestMappings.renameColumns(s.mapping(), Map.of("balance", "amount")), s.partitions()))
                .toList();
        SchemaScript script = DdlWriter.write(catalog, specs, DdlWriter.Options.defaults());

        run(target, script);

        List<String> notCreated = script.notCreated().stream().map(SchemaScript.NotCreated::object).toList();
        for (String object : List.of("view app.rich_accounts", "view app.rich_names",
                "materialized view app.balance_by_owner", "function app.account(\"p_id\" integer)",
                "function app.describe(\"r\" app.rich_accounts)", "trigger accounts_audit on app.accounts",
                "policy own_rows on app.accounts", "row-level security on app.accounts")) {
            assertTrue(notCreated.contains(object), object + " in " + notCreated);
        }
        assertTrue(script.notCreated().stream().filter(n -> n.object().equals("view app.rich_accounts"))
                .allMatch(n -> n.reason().contains("rename")), script.notCreated().toString());
        // what does not name the table is created as usual
        assertEquals(List.of("audit_keep"), target.column("SELECT rulename FROM pg_rules WHERE schemaname = 'app'"));
        assertEquals("1", target.value("SELECT app.current_owner()"));
        assertTrue(script.warnings().stream().anyMatch(w -> w.contains("bodies")), script.warnings().toString());
    }
}
