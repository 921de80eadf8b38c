package dev.godwit.workers.catalog;

import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PgExtension.class)
class CatalogReaderIT {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void readsTheRelationsOfUserSchemasOrderedBySchemaThenName(int major, PgLab lab) throws SQLException {
        SourceCatalog catalog = readFixture(lab, major);

        assertEquals(major, catalog.majorVersion());
        assertTrue(catalog.serverVersion().startsWith(major + "."), catalog.serverVersion());
        assertEquals("UTF8", catalog.databaseEncoding());
        // "MixedCase" sorts first: names compare byte by byte, as the name type does; the extension's own table,
        // public.ext_member, is not there
        assertEquals(List.of("\"MixedCase\".\"Order Items\"", "\"inventory\".\"audit\"", "\"inventory\".\"bookings\"",
                        "\"inventory\".\"books\"", "\"inventory\".\"cache\"", "\"inventory\".\"events_log\"",
                        "\"inventory\".\"gadgets\"", "\"inventory\".\"items\"", "\"sales\".\"all_types\"",
                        "\"sales\".\"customer_emails\"", "\"sales\".\"customers\"", "\"sales\".\"order_totals\"",
                        "\"sales\".\"orders\"", "\"sales\".\"orders_2024_01\"", "\"sales\".\"orders_2024_01_am\"",
                        "\"sales\".\"orders_2024_01_eu\"", "\"sales\".\"orders_2024_02\"",
                        "\"sales\".\"orders_default\"", "\"sales\".\"tickets\""),
                catalog.tables().stream().map(Table::qualifiedName).toList());
        assertEquals(List.of("MixedCase", "inventory", "sales"), List.copyOf(catalog.schemas()));
        assertEquals(TableKind.VIEW, table(catalog, "sales", "customer_emails").kind());
        assertEquals(TableKind.MATERIALIZED_VIEW, table(catalog, "sales", "order_totals").kind());
        assertEquals(TableKind.PARTITIONED, table(catalog, "sales", "orders").kind());
        assertEquals(TableKind.TABLE, table(catalog, "MixedCase", "Order Items").kind());
        Table customers = table(catalog, "sales", "customers");
        assertEquals(Optional.of(customers), catalog.tableByOid(customers.oid()));
        assertTrue(catalog.problems().isEmpty(), catalog.problems().toString());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void describesEveryColumnTypeAsFormatTypePrintsItKeepingTheGapOfADroppedColumn(int major, PgLab lab)
            throws SQLException {
        Table allTypes = table(readFixture(lab, major), "sales", "all_types");

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("1 id", "integer");
        expected.put("2 c_int2", "smallint");
        // attnum 3 was the dropped column "doomed"
        expected.put("4 c_int4", "integer");
        expected.put("5 c_int8", "bigint");
        expected.put("6 c_numeric", "numeric(12,2)");
        expected.put("7 c_text", "text");
        expected.put("8 c_varchar", "character varying(20)");
        expected.put("9 c_char", "character(3)");
        expected.put("10 c_bytea", "bytea");
        expected.put("11 c_bool", "boolean");
        expected.put("12 c_date", "date");
        expected.put("13 c_time", "time without time zone");
        expected.put("14 c_timetz", "time with time zone");
        expected.put("15 c_timestamp", "timestamp without time zone");
        expected.put("16 c_timestamptz", "timestamp with time zone");
        expected.put("17 c_ts3", "timestamp(3) with time zone");
        expected.put("18 c_interval", "interval");
        expected.put("19 c_uuid", "uuid");
        expected.put("20 c_json", "json");
        expected.put("21 c_jsonb", "jsonb");
        expected.put("22 c_inet", "inet");
        expected.put("23 c_cidr", "cidr");
        expected.put("24 c_macaddr", "macaddr");
        expected.put("25 c_money", "money");
        expected.put("26 c_point", "point");
        expected.put("27 c_tsvector", "tsvector");
        expected.put("28 c_int4range", "int4range");
        expected.put("29 c_text_array", "text[]");
        // format_type does not keep the declared dimensions: int[][] is integer[]
        expected.put("30 c_int_matrix", "integer[]");
        // read under an empty search_path, so every type outside pg_catalog comes schema-qualified
        expected.put("31 c_status", "sales.order_status");
        expected.put("32 c_statuses", "sales.order_status[]");
        expected.put("33 c_amount", "sales.positive_amount");
        expected.put("34 c_floatrange", "sales.floatrange");
        expected.put("35 c_tags", "public.hstore");
        expected.put("36 c_grades", "inventory.grades");
        expected.put("37 c_blob", "oid");
        Map<String, String> actual = new LinkedHashMap<>();
        allTypes.columns().forEach(c -> actual.put(c.attnum() + " " + c.name(), c.type()));
        assertEquals(expected, actual);

        Column numeric = allTypes.column("c_numeric").orElseThrow();
        assertEquals(1700, numeric.typeOid());
        assertEquals((12 << 16) + 2 + 4, numeric.typeModifier());
        assertEquals(-1, allTypes.column("c_text").orElseThrow().typeModifier());
        assertEquals("bpchar", allTypes.column("c_char").orElseThrow().typeName());

        Column textArray = allTypes.column("c_text_array").orElseThrow();
        assertEquals(List.of("pg_catalog", "_text", 'b', true),
                List.of(textArray.typeSchema(), textArray.typeName(), textArray.typeCategory(), textArray.isArray()));
        assertTrue(allTypes.column("c_int_matrix").orElseThrow().isArray());
        assertFalse(allTypes.column("c_point").orElseThrow().isArray(), "point has an element type but no array");
        assertEquals(List.of("sales", "order_status", 'e'), typeOf(allTypes, "c_status"));
        assertEquals(List.of("sales", "positive_amount", 'd'), typeOf(allTypes, "c_amount"));
        assertEquals(List.of("sales", "floatrange", 'r'), typeOf(allTypes, "c_floatrange"));
        assertEquals(List.of("pg_catalog", "int4range", 'r'), typeOf(allTypes, "c_int4range"));
        assertEquals(List.of("public", "hstore", 'b'), typeOf(allTypes, "c_tags"));

        assertTrue(allTypes.column("c_blob").orElseThrow().largeObject());
        assertEquals(List.of("c_blob"), allTypes.columns().stream().filter(Column::largeObject)
                .map(Column::name).toList());
        assertTrue(allTypes.hasLargeObjectColumns());
        assertFalse(table(readFixture(lab, major), "sales", "customers").hasLargeObjectColumns());
        assertEquals(Optional.of("a large object"), allTypes.column("c_blob").orElseThrow().comment());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void describesIdentityGeneratedDefaultAndCollatedColumns(int major, PgLab lab) throws SQLException {
        SourceCatalog catalog = readFixture(lab, major);
        Table customers = table(catalog, "sales", "customers");
        Table items = table(catalog, "MixedCase", "Order Items");

        Column id = customers.column("id").orElseThrow();
        assertEquals(Identity.ALWAYS, id.identity());
        assertTrue(id.notNull());
        assertEquals(Optional.empty(), id.defaultExpression(), "an identity column has no DEFAULT");
        assertEquals(Identity.BY_DEFAULT, items.column("item_id").orElseThrow().identity());
        assertEquals(Identity.NONE, items.column("order_id").orElseThrow().identity());

        Column total = items.column("total").orElseThrow();
        assertEquals(Optional.of("((\"Quantity\")::numeric * unit_price)"), total.generatedExpression());
        assertEquals(Optional.empty(), total.defaultExpression());
        assertTrue(total.isGenerated());

        assertEquals(Optional.of("'NLD'::bpchar"), customers.column("country").orElseThrow().defaultExpression());
        assertEquals(Optional.of("nextval('sales.tickets_no_seq'::regclass)"),
                table(catalog, "sales", "tickets").column("no").orElseThrow().defaultExpression());
        assertEquals(Optional.of("'new'::sales.order_status"),
                table(catalog, "sales", "orders").column("status").orElseThrow().defaultExpression());

        assertEquals(Optional.of("pg_catalog.\"C\""), customers.column("name").orElseThrow().collation());
        assertEquals(Optional.empty(), customers.column("email").orElseThrow().collation(),
                "the default collation of text is not spelled out");
        assertEquals(Optional.of("login"), customers.column("email").orElseThrow().comment());
        assertEquals(Optional.of("who buys"), customers.comment());
        assertTrue(customers.column("email").orElseThrow().notNull());
        assertFalse(customers.column("name").orElseThrow().notNull());
        assertEquals(List.of("Quantity"), items.columns().stream().map(Column::name)
                .filter(n -> !n.equals(n.toLowerCase())).toList());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void describesKeysIndexesAndConstraints(int major, PgLab lab) throws SQLException {
        SourceCatalog catalog = readFixture(lab, major);
        Table customers = table(catalog, "sales", "customers");

        assertEquals(Optional.of(new PrimaryKey("customers_pkey", List.of("id"))), customers.primaryKey());
        assertEquals(List.of("customers_country_idx", "customers_email_key", "customers_lower_email_idx",
                "customers_pkey"), customers.indexes().stream().map(Index::name).toList());
        Index pkey = customers.index("customers_pkey").orElseThrow();
        assertEquals("CREATE UNIQUE INDEX customers_pkey ON sales.customers USING btree (id)", pkey.definition());
        assertEquals(List.of(true, true, Optional.of("customers_pkey")),
                List.of(pkey.primary(), pkey.unique(), pkey.constraintName()));
        Index email = customers.index("customers_email_key").orElseThrow();
        assertEquals(List.of(false, true, true, Optional.of("customers_email_key")),
                List.of(email.primary(), email.unique(), email.replicaIdentity(), email.constraintName()));
        Index expression = customers.index("customers_lower_email_idx").orElseThrow();
        assertEquals(List.of("lower(email)"), expression.columns());
        assertEquals(Optional.empty(), expression.constraintName());
        assertFalse(expression.partial());
        Index partial = customers.index("customers_country_idx").orElseThrow();
        assertEquals("CREATE INDEX customers_country_idx ON sales.customers USING btree (country) INCLUDE (name)"
                + " WHERE (country <> 'NLD'::bpchar)", partial.definition());
        assertTrue(partial.partial());
        assertEquals(List.of("country"), partial.columns());
        assertEquals(List.of("name"), partial.includedColumns());
        assertTrue(customers.indexes().stream().allMatch(Index::valid));
        assertTrue(customers.indexes().stream().noneMatch(Index::nullsNotDistinct));

        Table items = table(catalog, "MixedCase", "Order Items");
        // key order, not column order: item_id is the first column but the second key column
        assertEquals(Optional.of(new PrimaryKey("Order Items_pkey", List.of("order_id", "item_id"))),
                items.primaryKey());
        Index composite = items.index("Order Items_order_customer").orElseThrow();
        assertEquals("CREATE UNIQUE INDEX \"Order Items_order_customer\" ON \"MixedCase\".\"Order Items\""
                + " USING btree (customer_id, order_id)", composite.definition());
        assertEquals(List.of("customer_id", "order_id"), composite.columns());
        assertEquals(List.of(false, true, Optional.empty()),
                List.of(composite.primary(), composite.unique(), composite.constraintName()));

        Constraint toCustomers = items.constraint("Order Items_customer_id_fkey").orElseThrow();
        assertEquals(new Constraint("Order Items_customer_id_fkey", ConstraintType.FOREIGN_KEY,
                "FOREIGN KEY (customer_id) REFERENCES sales.customers(id) DEFERRABLE INITIALLY DEFERRED", false,
                OptionalLong.of(customers.oid()), true, true, true, List.of("customer_id")), toCustomers);
        Table orders = table(catalog, "sales", "orders");
        Constraint toOrders = items.constraint("order_fk").orElseThrow();
        assertEquals("FOREIGN KEY (order_id, ordered_at, region) REFERENCES sales.orders(id, ordered_at, region)",
                toOrders.definition());
        assertEquals(OptionalLong.of(orders.oid()), toOrders.referencedTableOid());
        assertFalse(toOrders.deferrable());
        // a foreign key to a partitioned table gets one constraint per referenced partition, made by the server
        List<Constraint> ownForeignKeys = items.constraints().stream()
                .filter(c -> c.type() == ConstraintType.FOREIGN_KEY && !c.inherited()).toList();
        assertEquals(List.of("Order Items_customer_id_fkey", "order_fk"),
                ownForeignKeys.stream().map(Constraint::name).toList());
        assertEquals(Set.of("orders_2024_01", "orders_2024_01_am", "orders_2024_01_eu", "orders_2024_02",
                        "orders_default"),
                items.constraints().stream().filter(Constraint::inherited)
                        .map(c -> catalog.tableByOid(c.referencedTableOid().orElseThrow()).orElseThrow().name())
                        .collect(Collectors.toSet()));
        Constraint check = items.constraint("Order Items_Quantity_check").orElseThrow();
        assertEquals(List.of(ConstraintType.CHECK, "CHECK (\"Quantity\" > 0)", List.of("Quantity")),
                List.of(check.type(), check.definition(), check.columns()));

        Table bookings = table(catalog, "inventory", "bookings");
        assertEquals(List.of(new Constraint("no_double_booking", ConstraintType.EXCLUSION,
                "EXCLUDE USING gist (during WITH &&)", false, OptionalLong.empty(), true, false, false,
                List.of("during"))), bookings.constraints());
        assertEquals(Optional.of("no_double_booking"), bookings.index("no_double_booking").orElseThrow()
                .constraintName());
        assertEquals(Optional.empty(), bookings.primaryKey());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void describesPartitionsTwoLevelsDeepAndInheritanceChildren(int major, PgLab lab) throws SQLException {
        SourceCatalog catalog = readFixture(lab, major);
        Table orders = table(catalog, "sales", "orders");
        Table january = table(catalog, "sales", "orders_2024_01");

        assertEquals(Optional.of("RANGE (ordered_at)"), orders.partitionKey());
        assertFalse(orders.isPartition());
        assertEquals(List.of("orders_2024_01", "orders_2024_02", "orders_default"),
                catalog.children(orders).stream().map(Table::name).toList());
        assertEquals(Optional.of("FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')"), january.partitionBound());
        assertEquals(TableKind.PARTITIONED, january.kind());
        assertEquals(Optional.of("LIST (region)"), january.partitionKey());
        assertEquals(OptionalLong.of(orders.oid()), january.partitionParentOid());
        assertTrue(january.isPartition());
        assertFalse(january.isInheritanceChild(), "a partition is not an inheritance child");
        assertEquals(Optional.of("DEFAULT"), table(catalog, "sales", "orders_default").partitionBound());
        assertEquals(List.of("orders_2024_01_am", "orders_2024_01_eu"),
                catalog.children(january).stream().map(Table::name).toList());
        Table americas = table(catalog, "sales", "orders_2024_01_am");
        assertEquals(Optional.of("FOR VALUES IN ('us', 'ca')"), americas.partitionBound());
        assertEquals(OptionalLong.of(january.oid()), americas.partitionParentOid());
        assertEquals(Optional.empty(), americas.partitionKey());

        Index parentIndex = orders.index("orders_region_idx").orElseThrow();
        assertEquals("CREATE INDEX orders_region_idx ON ONLY sales.orders USING btree (region)",
                parentIndex.definition());
        assertFalse(parentIndex.inheritedFromParent());
        Index leafIndex = americas.index("orders_2024_01_am_region_idx").orElseThrow();
        assertTrue(leafIndex.inheritedFromParent());
        Constraint leafKey = americas.constraint("orders_2024_01_am_pkey").orElseThrow();
        assertTrue(leafKey.inherited());
        assertFalse(orders.constraint("orders_pkey").orElseThrow().inherited());
        assertEquals(Optional.of(new PrimaryKey("orders_2024_01_am_pkey", List.of("id", "ordered_at", "region"))),
                americas.primaryKey());

        Table items = table(catalog, "inventory", "items");
        Table gadgets = table(catalog, "inventory", "gadgets");
        assertEquals(List.of("books", "gadgets"), catalog.children(items).stream().map(Table::name).toList());
        assertEquals(List.of(items.oid()), gadgets.inheritanceParentOids());
        assertTrue(gadgets.isInheritanceChild());
        assertFalse(gadgets.isPartition());
        assertEquals(List.of("id", "name", "grade", "volts"), gadgets.columns().stream().map(Column::name).toList());
        assertTrue(gadgets.constraint("items_name_not_blank").orElseThrow().inherited());
        assertFalse(gadgets.constraint("gadgets_volts_check").orElseThrow().inherited());
        assertFalse(items.constraint("items_name_not_blank").orElseThrow().inherited());
        assertTrue(items.inheritanceParentOids().isEmpty());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void readsReplicaIdentityPersistenceViewsSizesAndRowEstimates(int major, PgLab lab) throws SQLException {
        SourceCatalog catalog = readFixture(lab, major);

        Table customers = table(catalog, "sales", "customers");
        assertEquals(ReplicaIdentity.INDEX, customers.replicaIdentity());
        assertEquals(Optional.of("customers_email_key"), customers.replicaIdentityIndex());
        assertTrue(customers.usableReplicaIdentity());
        Table bookings = table(catalog, "inventory", "bookings");
        assertEquals(ReplicaIdentity.FULL, bookings.replicaIdentity());
        assertTrue(bookings.usableReplicaIdentity());
        Table audit = table(catalog, "inventory", "audit");
        assertEquals(ReplicaIdentity.NOTHING, audit.replicaIdentity());
        assertFalse(audit.usableReplicaIdentity(), "NOTHING, even with a primary key");
        Table log = table(catalog, "inventory", "events_log");
        assertEquals(ReplicaIdentity.DEFAULT, log.replicaIdentity());
        assertFalse(log.usableReplicaIdentity(), "DEFAULT without a primary key");
        assertTrue(table(catalog, "inventory", "cache").usableReplicaIdentity());

        assertTrue(table(catalog, "inventory", "cache").unlogged());
        assertFalse(customers.unlogged());
        assertTrue(catalog.tables().stream().noneMatch(Table::temporary));

        Table view = table(catalog, "sales", "customer_emails");
        assertTrue(view.viewDefinition().orElseThrow().contains("FROM sales.customers"),
                view.viewDefinition().toString());
        assertEquals(List.of("id", "email"), view.columns().stream().map(Column::name).toList());
        assertEquals(-1, view.estimatedRows());
        assertTrue(table(catalog, "sales", "order_totals").viewDefinition().orElseThrow()
                .contains("sum("), "materialized views keep their query");
        assertEquals(Optional.empty(), customers.viewDefinition());

        // pg_table_size: one heap page for the two rows plus the one page of the (empty) TOAST table's index
        Table tickets = table(catalog, "sales", "tickets");
        assertEquals(2, tickets.estimatedRows());
        assertEquals(2 * 8192, tickets.sizeBytes());
        // never vacuumed or analyzed: unknown on every version, though 13 stores 0 and 14+ stores -1
        assertEquals(-1, table(catalog, "sales", "all_types").estimatedRows());
        assertEquals(-1, table(catalog, "sales", "orders").estimatedRows());
        assertEquals(0, table(catalog, "sales", "orders").sizeBytes(), "the partitions hold the rows");
        assertTrue(table(catalog, "sales", "orders_2024_01_eu").sizeBytes() > 0);
        assertEquals(Optional.empty(), customers.tablespace());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void readsSequencesWithTheirStateAndTheColumnsTheyBelongTo(int major, PgLab lab) throws SQLException {
        SourceCatalog catalog = readFixture(lab, major);

        assertEquals(List.of("\"MixedCase\".\"Order Items_item_id_seq\"", "\"sales\".\"customers_id_seq\"",
                        "\"sales\".\"invoice_seq\"", "\"sales\".\"spare_seq\"", "\"sales\".\"tickets_no_seq\""),
                catalog.sequences().stream().map(Sequence::qualifiedName).toList());
        // two nextval calls hand out 1000 and 1010, but with CACHE 5 the sequence itself has advanced over the
        // whole cached block: 1040 is what it holds, and a value past any the source handed out
        Sequence invoice = catalog.sequence("sales", "invoice_seq").orElseThrow();
        assertEquals(new Sequence("sales", "invoice_seq", "bigint", 1000, 10, 1, Long.MAX_VALUE, false, 5,
                OptionalLong.of(1040), true, Optional.empty(), false, true, false, Optional.empty()), invoice);

        Sequence spare = catalog.sequence("sales", "spare_seq").orElseThrow();
        assertEquals(List.of("integer", 2147483647L, OptionalLong.empty(), false),
                List.of(spare.dataType(), spare.max(), spare.lastValue(), spare.isCalled()));

        Sequence serial = catalog.sequence("sales", "tickets_no_seq").orElseThrow();
        assertEquals(Optional.of(new OwnedBy("sales", "tickets", "no")), serial.ownedBy());
        assertFalse(serial.identity());
        assertEquals(OptionalLong.of(2), serial.lastValue());
        assertTrue(serial.isCalled());

        Sequence identity = catalog.sequence("MixedCase", "Order Items_item_id_seq").orElseThrow();
        assertEquals(Optional.of(new OwnedBy("MixedCase", "Order Items", "item_id")), identity.ownedBy());
        assertTrue(identity.identity());
        assertEquals("integer", identity.dataType());
        assertTrue(catalog.sequence("sales", "customers_id_seq").orElseThrow().identity());
        assertTrue(catalog.sequences().stream().allMatch(Sequence::readable));
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void collectsTheUserTypesColumnsNeedFollowingArraysDomainsAndCompositesAndEveryOtherOfAUserSchema(int major,
                                                                                                     PgLab lab)
            throws SQLException {
        SourceCatalog catalog = readFixture(lab, major);

        // unused_enum is used by no column but is a type of a user schema (a function may use it); inventory.grade
        // only through the array domain inventory.grades (and by inventory.items directly); the text and float8
        // that address and floatrange need are system types; of the extension's types only hstore, which a column uses
        assertEquals(List.of("inventory.grade", "inventory.grades", "public.hstore", "sales.address",
                        "sales.floatrange", "sales.order_status", "sales.positive_amount", "sales.unused_enum"),
                catalog.types().stream().map(t -> t.schema() + "." + t.name()).toList());

        UserType status = catalog.type("sales", "order_status").orElseThrow();
        assertEquals(UserTypeKind.ENUM, status.kind());
        assertEquals(List.of("new", "cancelled", "paid", "shipped"), status.enumLabels(), "sort order, not oid order");

        UserType amount = catalog.type("sales", "positive_amount").orElseThrow();
        assertEquals(UserTypeKind.DOMAIN, amount.kind());
        assertEquals(Optional.of("numeric(12,2)"), amount.domainBaseType());
        assertEquals(List.of("CONSTRAINT amount_not_negative CHECK (VALUE >= 0::numeric)"),
                amount.domainConstraints(), "NOT NULL is not a check, even where 17 keeps it in pg_constraint");
        assertTrue(amount.domainNotNull());
        assertEquals(Optional.of("0"), amount.domainDefault());
        assertEquals(Optional.of("inventory.grade[]"), catalog.type("inventory", "grades").orElseThrow()
                .domainBaseType());

        UserType address = catalog.type("sales", "address").orElseThrow();
        assertEquals(UserTypeKind.COMPOSITE, address.kind());
        assertEquals(List.of(new Attribute("street", "text", 25, Optional.empty()),
                new Attribute("city", "character varying(40)", 1043, Optional.empty()),
                new Attribute("zip", "character(5)", 1042, Optional.of("pg_catalog.\"C\""))),
                address.compositeAttributes());

        UserType range = catalog.type("sales", "floatrange").orElseThrow();
        assertEquals(List.of(UserTypeKind.RANGE, Optional.of("double precision"), Optional.of("float8mi")),
                List.of(range.kind(), range.rangeSubtype(), range.rangeSubtypeDiff()));
        assertEquals(Optional.empty(), range.extension());

        UserType hstore = catalog.type("public", "hstore").orElseThrow();
        assertEquals(UserTypeKind.BASE, hstore.kind());
        assertEquals(Optional.of("hstore"), hstore.extension());
        assertEquals(Optional.of("public"), catalog.extension("hstore").map(Extension::schema));
        assertFalse(catalog.extension("hstore").orElseThrow().version().isEmpty());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void aRoleWithSelectOnOneSchemaReadsTheWholeCatalogAndIsToldWhatItCannotRead(int major, PgLab lab)
            throws SQLException {
        TestDatabase db = lab.newDatabase(major);
        CatalogFixture.create(db);
        String role = "catalog_reader_" + db.name().replaceAll("[^a-z0-9_]", "");
        db.execute("CREATE ROLE " + role + " LOGIN",
                "REVOKE ALL ON DATABASE \"" + db.name() + "\" FROM PUBLIC",
                "GRANT CONNECT ON DATABASE \"" + db.name() + "\" TO " + role,
                "GRANT USAGE ON SCHEMA sales TO " + role,
                "GRANT SELECT ON ALL TABLES IN SCHEMA sales TO " + role);
        try {
            SourceCatalog catalog;
            java.util.Properties as = new java.util.Properties();
            as.setProperty("user", role);
            try (Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(), as)) {
                catalog = new CatalogReader(c).read();
            }

            assertEquals(readFixture(db).tables().stream().map(Table::qualifiedName).toList(),
                    catalog.tables().stream().map(Table::qualifiedName).toList(),
                    "the catalogs are readable by every role");
            assertTrue(table(catalog, "sales", "customers").selectable());
            assertFalse(table(catalog, "inventory", "audit").selectable());
            assertFalse(table(catalog, "MixedCase", "Order Items").selectable());
            assertTrue(catalog.problems().contains(new CatalogProblem("\"inventory\".\"audit\"",
                    "no SELECT privilege on the table or no USAGE on its schema")), catalog.problems().toString());

            // ALL TABLES does not cover sequences: the definition is there, the current value is not
            Sequence invoice = catalog.sequence("sales", "invoice_seq").orElseThrow();
            assertFalse(invoice.readable());
            assertEquals(OptionalLong.empty(), invoice.lastValue());
            assertEquals(1000, invoice.start());
            assertTrue(catalog.problems().contains(new CatalogProblem("\"sales\".\"invoice_seq\"",
                    "no SELECT or USAGE privilege on the sequence: its current value is unknown")));

            Table orders = table(catalog, "sales", "orders");
            assertEquals(Optional.of("RANGE (ordered_at)"), orders.partitionKey());
            assertEquals(8, catalog.types().size());
            assertEquals(List.of("id", "email"), table(catalog, "sales", "customer_emails").columns().stream()
                    .map(Column::name).toList());
        } finally {
            db.execute("DROP OWNED BY " + role, "DROP ROLE " + role);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void seesItsOwnSessionsTemporaryTablesButNotThoseOfOtherSessions(int major, PgLab lab) throws SQLException {
        TestDatabase db = lab.newDatabase(major);
        db.execute("CREATE TABLE kept (id int)");
        try (Connection other = db.connect(); Connection own = db.connect()) {
            other.createStatement().execute("CREATE TEMPORARY TABLE theirs (id int)");
            own.createStatement().execute("CREATE TEMPORARY TABLE mine (id int)");

            SourceCatalog catalog = new CatalogReader(own).read();

            assertEquals(List.of("kept", "mine"), catalog.tables().stream().map(Table::name).sorted().toList());
            Table mine = catalog.tables().stream().filter(t -> t.name().equals("mine")).findFirst().orElseThrow();
            assertTrue(mine.temporary());
            assertTrue(mine.schema().startsWith("pg_temp_"), mine.schema());
            assertFalse(catalog.table("public", "kept").orElseThrow().temporary());
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void leavesTheConnectionAsItFoundItAndReadsInsideTheCallersTransaction(int major, PgLab lab) throws SQLException {
        TestDatabase db = lab.newDatabase(major);
        db.execute("CREATE TABLE t (id int)");
        try (Connection c = db.connect()) {
            c.createStatement().execute("SET search_path = public, pg_catalog");
            new CatalogReader(c).read();
            assertTrue(c.getAutoCommit());
            assertFalse(c.isReadOnly());
            assertEquals(Connection.TRANSACTION_READ_COMMITTED, c.getTransactionIsolation());
            assertEquals("public, pg_catalog", value(c, "SHOW search_path"));

            // in the caller's transaction: it sees the caller's uncommitted table, and the transaction goes on
            c.setAutoCommit(false);
            c.createStatement().execute("CREATE TABLE uncommitted (id int)");
            SourceCatalog catalog = new CatalogReader(c).read();
            assertTrue(catalog.table("public", "uncommitted").isPresent());
            assertEquals("public, pg_catalog", value(c, "SHOW search_path"));
            c.rollback();
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void readsCompressionAndNullsNotDistinctOnlyWhereTheServerHasThem(int major, PgLab lab) throws SQLException {
        TestDatabase db = lab.newDatabase(major);
        db.execute("CREATE TABLE docs (id int, body text, code text)");
        if (major >= 14) {
            db.execute("ALTER TABLE docs ALTER COLUMN body SET COMPRESSION pglz");
        }
        db.execute("CREATE UNIQUE INDEX docs_code_key ON docs (code)" + (major >= 15 ? " NULLS NOT DISTINCT" : ""));

        Table docs = table(readFixture(db), "public", "docs");

        Index code = docs.index("docs_code_key").orElseThrow();
        assertEquals(major >= 15, code.nullsNotDistinct());
        assertEquals(major >= 15, code.definition().endsWith("NULLS NOT DISTINCT"), code.definition());
        assertEquals(major >= 14 ? Optional.of("pglz") : Optional.empty(),
                docs.column("body").orElseThrow().compression());
        assertEquals(Optional.empty(), docs.column("code").orElseThrow().compression(), "the server default");
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void readsTheRelationsAloneAsTheWholeReadDescribesThem(int major, PgLab lab) throws SQLException {
        TestDatabase db = lab.newDatabase(major);
        CatalogFixture.create(db);
        SourceCatalog whole;
        SourceCatalog relations;
        try (Connection c = db.connect()) {
            whole = new CatalogReader(c).read();
            relations = new CatalogReader(c).readRelations();
        }

        assertEquals(whole.tables(), relations.tables());
        assertEquals(whole.serverVersionNum(), relations.serverVersionNum());
        assertFalse(whole.sequences().isEmpty() || whole.types().isEmpty() || whole.extensions().isEmpty(),
                "the fixture has sequences, types and extensions for the whole read to find");
        assertEquals(List.of(), relations.sequences());
        assertEquals(List.of(), relations.types());
        assertEquals(List.of(), relations.extensions());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 17})
    void readsAnEmptyDatabase(int major, PgLab lab) throws SQLException {
        SourceCatalog catalog = readFixture(lab.newDatabase(major));

        assertEquals(List.of(), catalog.tables());
        assertEquals(List.of(), catalog.sequences());
        assertEquals(List.of(), catalog.types());
        assertEquals(List.of("plpgsql"), catalog.extensions().stream().map(Extension::name).toList());
        assertTrue(catalog.schemas().isEmpty());
    }

    private static SourceCatalog readFixture(PgLab lab, int major) throws SQLException {
        TestDatabase db = lab.newDatabase(major);
        CatalogFixture.create(db);
        return readFixture(db);
    }

    private static SourceCatalog readFixture(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            return new CatalogReader(c).read();
        }
    }

    private static Table table(SourceCatalog catalog, String schema, String name) {
        return catalog.table(schema, name).orElseThrow(() -> new AssertionError("no table " + schema + "." + name));
    }

    private static List<Object> typeOf(Table table, String column) {
        Column c = table.column(column).orElseThrow();
        return List.of(c.typeSchema(), c.typeName(), c.typeCategory());
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
