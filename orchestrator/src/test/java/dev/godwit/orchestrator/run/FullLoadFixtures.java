package dev.godwit.orchestrator.run;

import dev.godwit.workers.testkit.TestDatabase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A source schema with most of what PostgreSQL databases hold, shared by the plan and full-load tests, and the task
 * file of a full load.
 */
public final class FullLoadFixtures {
    private FullLoadFixtures() {
    }

    public static final String RICH_SCHEMA = """
            CREATE EXTENSION IF NOT EXISTS hstore;
            CREATE SCHEMA sales;
            CREATE SCHEMA "Mixed Case";
            CREATE TYPE sales.status AS ENUM ('new', 'paid', 'shipped');
            CREATE DOMAIN sales.money_amount AS numeric(12,2) CHECK (VALUE >= 0);
            CREATE TYPE sales.address AS (street text, zip text);
            CREATE TABLE sales.customers (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                email text NOT NULL UNIQUE,
                address sales.address,
                tags text[],
                attrs hstore,
                profile jsonb,
                created timestamptz NOT NULL DEFAULT now(),
                dropped_later int,
                score float8,
                span interval,
                name_len int GENERATED ALWAYS AS (length(email)) STORED
            );
            ALTER TABLE sales.customers DROP COLUMN dropped_later;
            CREATE TABLE sales.orders (
                id bigserial,
                customer_id bigint NOT NULL REFERENCES sales.customers (id),
                status sales.status NOT NULL DEFAULT 'new',
                total sales.money_amount,
                ordered date NOT NULL,
                PRIMARY KEY (id, ordered, status)
            ) PARTITION BY RANGE (ordered);
            CREATE TABLE sales.orders_2025 PARTITION OF sales.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
                PARTITION BY LIST (status);
            CREATE TABLE sales.orders_2025_open PARTITION OF sales.orders_2025 FOR VALUES IN ('new', 'paid');
            CREATE TABLE sales.orders_2025_done PARTITION OF sales.orders_2025 FOR VALUES IN ('shipped');
            CREATE TABLE sales.orders_rest PARTITION OF sales.orders DEFAULT;
            CREATE TABLE "Mixed Case"."Event Log" ("Id" int PRIMARY KEY, "Payload" text, at timestamp);
            CREATE TABLE public.animals (id int PRIMARY KEY, name text);
            CREATE TABLE public.dogs (bark text) INHERITS (public.animals);
            CREATE TABLE public.cats (lives int) INHERITS (public.animals);
            CREATE TABLE public.keyless (a int, b text);
            CREATE INDEX ON sales.customers (lower(email));

            INSERT INTO sales.customers (email, address, tags, attrs, profile, created, score, span)
            SELECT 'c' || g || '@example.com', ROW('Street ' || g, lpad(g::text, 5, '0'))::sales.address,
                   ARRAY['a' || g, 'b'], hstore('k', g::text), jsonb_build_object('n', g, 'f', g / 3.0),
                   timestamptz '2025-01-01 00:00:00+00' + g * interval '1 minute',
                   CASE WHEN g % 100 = 0 THEN 'NaN'::float8 WHEN g % 101 = 0 THEN '-Infinity' ELSE g / 7.0 END,
                   g * interval '1 second'
            FROM generate_series(1, 6000) g;
            INSERT INTO sales.orders (customer_id, status, total, ordered)
            SELECT 1 + g % 6000, (ARRAY['new','paid','shipped'])[1 + g % 3]::sales.status, g % 1000 + 0.25,
                   date '2024-06-01' + (g % 700)
            FROM generate_series(1, 20000) g;
            INSERT INTO "Mixed Case"."Event Log" SELECT g, repeat('p', g % 50), timestamp '2025-01-01' + g * interval '1 hour'
            FROM generate_series(1, 3000) g;
            INSERT INTO public.animals VALUES (1, 'generic');
            INSERT INTO public.dogs VALUES (2, 'rex', 'woof'), (3, 'fido', 'wuff');
            INSERT INTO public.cats VALUES (4, 'tom', 9);
            INSERT INTO public.keyless SELECT g % 10, 'dup' FROM generate_series(1, 100) g;
            ANALYZE;
            """;

    /** Selects every table of every schema. */
    public static final String ALL_TABLES = """
            {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                        "object-locator": {"schema-name": "%", "table-name": "%"}}]}
            """;

    /** Selects every table of schema public. */
    public static final String PUBLIC_TABLES = ALL_TABLES.replace("\"schema-name\": \"%\"", "\"schema-name\": \"public\"");

    /**
     * Writes {@code mappings.json} and {@code task.yaml} of a full-load task named {@code name} into {@code dir}.
     *
     * @param settings more YAML lines of the settings section (their common indentation is ignored), or ""
     */
    public static Path task(Path dir, String name, TestDatabase source, TestDatabase target, String mappings,
                            int parallelism, String settings) throws IOException {
        return taskFile(dir, name, "full-load", source, target, mappings,
                "parallelism: " + parallelism + "\n" + unindented(settings));
    }

    /**
     * Writes {@code mappings.json} and {@code task.yaml} of a task of any type into {@code dir}.
     *
     * @param settings the YAML lines of the settings section (their common indentation is ignored)
     */
    public static Path taskFile(Path dir, String name, String type, TestDatabase source, TestDatabase target,
                                String mappings, String settings) throws IOException {
        return taskFile(dir, name, type, source.url(), target.url(), mappings, settings);
    }

    /** The same for endpoints given as URLs (another role, say); blank settings leave the section out. */
    public static Path taskFile(Path dir, String name, String type, String sourceUrl, String targetUrl,
                                String mappings, String settings) throws IOException {
        Files.writeString(dir.resolve("mappings.json"), mappings);
        return Files.writeString(dir.resolve("task.yaml"), """
                name: %s
                source:
                  url: %s
                target:
                  url: %s
                type: %s
                tableMappings: mappings.json
                """.formatted(name, sourceUrl, targetUrl, type)
                + (settings.isBlank() ? "" : "settings:\n" + unindented(settings).indent(2)));
    }

    /** The lines without the indentation they all share (blank lines do not count). */
    private static String unindented(String text) {
        int common = text.lines().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        text.lines().forEach(l -> out.append(l.isBlank() ? "" : l.substring(common)).append('\n'));
        return out.toString();
    }
}
