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
            CREATE MATERIALIZED VIEW app.balance_by_owner AS
                SELECT owner, sum(balance) AS total, app.total(1) AS accounts FROM app.accounts GROUP BY owner;
            CREATE UNIQUE INDEX balance_by_owner_owner ON app.balance_by_owner (owner);
            COMMENT ON MATERIALIZED VIEW app.balance_by_owner IS 'refreshed at the end of the load';
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
            """;

    /** What both sides' catalogs must agree on, one query per kind, each row a line of text. */
    static final Map<String, String> CATALOG = Map.ofEntries(
            Map.entry("views", "SELECT c.relname || ' ' || c.relkind::text || ' ' || coalesce(array_to_string(c.reloptions,"
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
                    + " WHERE d.objoid >= 16384 AND d.classoid <> 'pg_extension'::regclass ORDER BY 1"),
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
        SchemaScript script = DdlWriter.write(catalog, tables(catalog), DdlWriter.Options.defaults());

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
                "materialized view app.balance_by_owner", "function app.account(p_id integer)",
                "function app.describe(r app.rich_accounts)", "trigger accounts_audit on app.accounts",
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
