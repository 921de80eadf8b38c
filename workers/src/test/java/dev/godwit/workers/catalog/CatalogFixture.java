package dev.godwit.workers.catalog;

import dev.godwit.workers.testkit.TestDatabase;

/**
 * One rich source schema for the catalog tests: several schemas with mixed-case names, every common type, user
 * types of each kind, keys, indexes and constraints of each kind, partitions two levels deep, inheritance, views,
 * sequences in each state, and objects that must stay out (an extension's table, an unused type).
 */
public final class CatalogFixture {
    private CatalogFixture() {
    }

    public static void create(TestDatabase db) {
        db.execute(
                "CREATE EXTENSION hstore",
                "CREATE SCHEMA sales",
                "CREATE SCHEMA \"MixedCase\"",
                "CREATE SCHEMA inventory",
                "COMMENT ON SCHEMA sales IS 'orders and customers'",

                // user types: the enum's sort order differs from its creation order
                "CREATE TYPE sales.order_status AS ENUM ('new', 'paid', 'shipped')",
                "ALTER TYPE sales.order_status ADD VALUE 'cancelled' BEFORE 'paid'",
                "CREATE DOMAIN sales.positive_amount AS numeric(12,2) NOT NULL DEFAULT 0"
                        + " CONSTRAINT amount_not_negative CHECK (VALUE >= 0)",
                "CREATE TYPE sales.address AS (street text, city varchar(40), zip char(5) COLLATE \"C\")",
                "CREATE TYPE sales.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi)",
                "CREATE TYPE sales.unused_enum AS ENUM ('x')",
                "CREATE TYPE inventory.grade AS ENUM ('a', 'b')",
                "CREATE DOMAIN inventory.grades AS inventory.grade[]",

                "CREATE TABLE sales.customers ("
                        + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                        + " email text NOT NULL,"
                        + " name varchar(20) COLLATE \"C\","
                        + " country char(3) DEFAULT 'NLD',"
                        + " address sales.address,"
                        + " CONSTRAINT customers_email_key UNIQUE (email))",
                "COMMENT ON TABLE sales.customers IS 'who buys'",
                "COMMENT ON COLUMN sales.customers.email IS 'login'",
                "CREATE INDEX customers_lower_email_idx ON sales.customers (lower(email))",
                "CREATE INDEX customers_country_idx ON sales.customers (country) INCLUDE (name) WHERE country <> 'NLD'",
                "ALTER TABLE sales.customers REPLICA IDENTITY USING INDEX customers_email_key",

                "CREATE TABLE sales.all_types ("
                        + " id integer PRIMARY KEY, c_int2 int2, doomed text, c_int4 int4, c_int8 int8,"
                        + " c_numeric numeric(12,2), c_text text, c_varchar varchar(20), c_char char(3), c_bytea bytea,"
                        + " c_bool bool, c_date date, c_time time, c_timetz timetz, c_timestamp timestamp,"
                        + " c_timestamptz timestamptz, c_ts3 timestamptz(3), c_interval interval, c_uuid uuid,"
                        + " c_json json, c_jsonb jsonb, c_inet inet, c_cidr cidr, c_macaddr macaddr, c_money money,"
                        + " c_point point, c_tsvector tsvector, c_int4range int4range, c_text_array text[],"
                        + " c_int_matrix int[][], c_status sales.order_status, c_statuses sales.order_status[],"
                        + " c_amount sales.positive_amount, c_floatrange sales.floatrange, c_tags hstore,"
                        + " c_grades inventory.grades, c_blob oid)",
                "ALTER TABLE sales.all_types DROP COLUMN doomed",
                "COMMENT ON COLUMN sales.all_types.c_blob IS 'a large object'",

                "CREATE TABLE sales.orders (id bigint NOT NULL, ordered_at date NOT NULL, region text NOT NULL,"
                        + " status sales.order_status NOT NULL DEFAULT 'new', amount numeric(12,2),"
                        + " PRIMARY KEY (id, ordered_at, region)) PARTITION BY RANGE (ordered_at)",
                "CREATE INDEX orders_region_idx ON sales.orders (region)",
                "CREATE TABLE sales.orders_2024_01 PARTITION OF sales.orders"
                        + " FOR VALUES FROM ('2024-01-01') TO ('2024-02-01') PARTITION BY LIST (region)",
                "CREATE TABLE sales.orders_2024_01_eu PARTITION OF sales.orders_2024_01 FOR VALUES IN ('eu')",
                "CREATE TABLE sales.orders_2024_01_am PARTITION OF sales.orders_2024_01 FOR VALUES IN ('us', 'ca')",
                "CREATE TABLE sales.orders_2024_02 PARTITION OF sales.orders"
                        + " FOR VALUES FROM ('2024-02-01') TO ('2024-03-01')",
                "CREATE TABLE sales.orders_default PARTITION OF sales.orders DEFAULT",
                "INSERT INTO sales.orders VALUES (1, '2024-01-05', 'eu', 'paid', 10),"
                        + " (2, '2024-01-06', 'us', 'new', 20), (3, '2024-02-01', 'eu', 'new', 30),"
                        + " (4, '2025-06-01', 'eu', 'new', 40)",

                "CREATE TABLE \"MixedCase\".\"Order Items\" ("
                        + " item_id integer GENERATED BY DEFAULT AS IDENTITY,"
                        + " order_id bigint NOT NULL, ordered_at date NOT NULL, region text NOT NULL,"
                        + " customer_id bigint REFERENCES sales.customers DEFERRABLE INITIALLY DEFERRED,"
                        + " \"Quantity\" integer NOT NULL CHECK (\"Quantity\" > 0),"
                        + " unit_price numeric(12,2) NOT NULL,"
                        + " total numeric GENERATED ALWAYS AS (\"Quantity\" * unit_price) STORED,"
                        + " CONSTRAINT \"Order Items_pkey\" PRIMARY KEY (order_id, item_id),"
                        + " CONSTRAINT order_fk FOREIGN KEY (order_id, ordered_at, region)"
                        + "   REFERENCES sales.orders (id, ordered_at, region))",
                "CREATE UNIQUE INDEX \"Order Items_order_customer\" ON \"MixedCase\".\"Order Items\""
                        + " (customer_id, order_id)",

                "CREATE TABLE inventory.bookings (room integer NOT NULL, during tstzrange NOT NULL,"
                        + " CONSTRAINT no_double_booking EXCLUDE USING gist (during WITH &&))",
                "ALTER TABLE inventory.bookings REPLICA IDENTITY FULL",
                "CREATE TABLE inventory.events_log (at timestamptz DEFAULT now(), message text)",
                "CREATE TABLE inventory.audit (id integer PRIMARY KEY, note text)",
                "ALTER TABLE inventory.audit REPLICA IDENTITY NOTHING",
                "CREATE UNLOGGED TABLE inventory.cache (key text PRIMARY KEY, value jsonb)",
                "CREATE TABLE inventory.items (id integer, name text NOT NULL, grade inventory.grade)",
                "CREATE TABLE inventory.books (isbn text) INHERITS (inventory.items)",
                "CREATE TABLE inventory.gadgets (volts integer CHECK (volts > 0)) INHERITS (inventory.items)",
                "ALTER TABLE inventory.items ADD CONSTRAINT items_name_not_blank CHECK (name <> '')",

                "CREATE VIEW sales.customer_emails AS SELECT id, email FROM sales.customers",
                "CREATE MATERIALIZED VIEW sales.order_totals AS"
                        + " SELECT region, sum(amount) AS total FROM sales.orders GROUP BY region",

                "CREATE SEQUENCE sales.invoice_seq START 1000 INCREMENT 10 CACHE 5",
                "SELECT nextval('sales.invoice_seq'), nextval('sales.invoice_seq')",
                "CREATE SEQUENCE sales.spare_seq AS integer",
                "CREATE TABLE sales.tickets (no serial, subject text)",
                "INSERT INTO sales.tickets (subject) VALUES ('one'), ('two')",
                "ANALYZE sales.tickets",

                // a table the hstore extension owns: CREATE EXTENSION makes it on the target, so it stays out
                "CREATE TABLE public.ext_member (id int)",
                "ALTER EXTENSION hstore ADD TABLE public.ext_member");
    }
}
