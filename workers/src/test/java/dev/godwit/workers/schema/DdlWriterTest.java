package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.rules.ColumnMapping;
import dev.godwit.mappings.rules.PrimaryKeyDefinition;
import dev.godwit.mappings.rules.TableMapping;
import dev.godwit.workers.catalog.ColumnOptions;
import dev.godwit.workers.catalog.DefinedObjects;
import dev.godwit.workers.catalog.SchemaObjects;
import dev.godwit.workers.catalog.StorageOptions;
import dev.godwit.workers.catalog.Column;
import dev.godwit.workers.catalog.Constraint;
import dev.godwit.workers.catalog.ConstraintType;
import dev.godwit.workers.catalog.Identity;
import dev.godwit.workers.catalog.Index;
import dev.godwit.workers.catalog.OwnedBy;
import dev.godwit.workers.catalog.PrimaryKey;
import dev.godwit.workers.catalog.ReplicaIdentity;
import dev.godwit.workers.catalog.Sequence;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.catalog.Table;
import dev.godwit.workers.catalog.TableKind;
import dev.godwit.workers.catalog.UserType;
import dev.godwit.workers.catalog.UserTypeKind;
import dev.godwit.workers.schema.SchemaScript.Statement;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DdlWriterTest {

    private static Column col(int attnum, String name, String type, boolean notNull) {
        return new Column(attnum, name, type, 23, -1, notNull, Optional.empty(), Identity.NONE, Optional.empty(),
                Optional.empty(), "pg_catalog", type, 'b', false, false, Optional.empty(), Optional.empty());
    }

    private static Column withDefault(Column c, String expr) {
        return new Column(c.attnum(), c.name(), c.type(), c.typeOid(), c.typeModifier(), c.notNull(), Optional.of(expr),
                c.identity(), c.generatedExpression(), c.collation(), c.typeSchema(), c.typeName(), c.typeCategory(),
                c.isArray(), c.largeObject(), c.compression(), c.comment());
    }

    private static Column generated(Column c, String expr) {
        return new Column(c.attnum(), c.name(), c.type(), c.typeOid(), c.typeModifier(), c.notNull(), Optional.empty(),
                c.identity(), Optional.of(expr), c.collation(), c.typeSchema(), c.typeName(), c.typeCategory(),
                c.isArray(), c.largeObject(), c.compression(), c.comment());
    }

    private static Column identity(Column c, Identity identity) {
        return new Column(c.attnum(), c.name(), c.type(), c.typeOid(), c.typeModifier(), true, Optional.empty(),
                identity, Optional.empty(), c.collation(), c.typeSchema(), c.typeName(), c.typeCategory(),
                c.isArray(), c.largeObject(), c.compression(), c.comment());
    }

    private static Table table(long oid, String schema, String name, TableKind kind, List<Column> columns,
                               List<Index> indexes, List<Constraint> constraints, Optional<String> partitionKey,
                               OptionalLong parent, Optional<String> bound) {
        Optional<PrimaryKey> pk = constraints.stream().filter(c -> c.type() == ConstraintType.PRIMARY_KEY)
                .findFirst().map(c -> new PrimaryKey(c.name(), c.columns()));
        return new Table(oid, schema, name, kind, false, false, ReplicaIdentity.DEFAULT, Optional.empty(), columns, pk,
                indexes, constraints, partitionKey, parent, bound, List.of(), 0, 0, false, Optional.empty(),
                Optional.empty(), Optional.empty(), true);
    }

    private static Table plain(long oid, String schema, String name, List<Column> columns, List<Index> indexes,
                               List<Constraint> constraints) {
        return table(oid, schema, name, TableKind.TABLE, columns, indexes, constraints, Optional.empty(),
                OptionalLong.empty(), Optional.empty());
    }

    private static Index index(String name, String def, Optional<String> constraint, List<String> columns) {
        return new Index(name, def, constraint.map(c -> c.endsWith("pkey")).orElse(false), def.contains("UNIQUE"),
                false, def.contains(" WHERE "), constraint, columns, List.of(), false, true, false, Optional.empty());
    }

    private static Constraint pk(String name, String... columns) {
        return new Constraint(name, ConstraintType.PRIMARY_KEY, "PRIMARY KEY (" + String.join(", ", columns) + ")",
                false, OptionalLong.empty(), true, false, false, List.of(columns));
    }

    private static SourceCatalog catalog(List<Table> tables, List<Sequence> sequences, List<UserType> types) {
        return new SourceCatalog(170000, "17.0", "UTF8", tables, sequences, types, List.of(), List.of());
    }

    private static List<String> sql(List<Statement> statements) {
        return statements.stream().map(Statement::sql).toList();
    }

    private static String all(SchemaScript script) {
        List<String> out = new ArrayList<>(sql(script.preData()));
        out.addAll(sql(script.postDataInOrder()));
        return String.join("\n", out);
    }

    private static TargetTableSpec spec(Table t, PartitionRule rule) {
        return new TargetTableSpec(t, TestMappings.identity(t, rule), List.of());
    }

    @Test
    void quotesMixedCaseNamesAndBuildsThePrimaryKeyFromAUniqueIndex() {
        Table t = plain(1, "MixedCase", "Order Items", List.of(col(1, "Id", "integer", true),
                        col(2, "note", "text", false)),
                List.of(index("Order Items_pkey", "CREATE UNIQUE INDEX \"Order Items_pkey\" ON \"MixedCase\"."
                        + "\"Order Items\" USING btree (\"Id\")", Optional.of("Order Items_pkey"), List.of("Id"))),
                List.of(pk("Order Items_pkey", "Id")));
        SchemaScript script = DdlWriter.write(catalog(List.of(t), List.of(), List.of()),
                List.of(spec(t, new PartitionRule.Keep())), DdlWriter.Options.defaults());

        assertEquals(List.of("CREATE SCHEMA IF NOT EXISTS \"MixedCase\"",
                "CREATE TABLE \"MixedCase\".\"Order Items\" (\"Id\" integer NOT NULL, \"note\" text)"),
                sql(script.preData()));
        assertEquals(List.of("CREATE UNIQUE INDEX \"Order Items_pkey\" ON \"MixedCase\".\"Order Items\" USING btree"
                        + " (\"Id\")", "ALTER TABLE \"MixedCase\".\"Order Items\" ADD CONSTRAINT \"Order Items_pkey\""
                        + " PRIMARY KEY USING INDEX \"Order Items_pkey\""),
                sql(script.postDataInOrder()));
        assertEquals(1, script.postData().size());
        assertEquals(SchemaScript.TABLE_PHASE, script.postData().get(0).phase());
    }

    @Test
    void renamesColumnsInIndexesAndGeneratedExpressionsAndSkipsIndexesOnRemovedColumns() {
        Table t = plain(1, "s", "t", List.of(col(1, "a", "integer", false), col(2, "b", "integer", false),
                        generated(col(3, "sum", "integer", false), "(a + b)"),
                        generated(col(4, "twice_b", "integer", false), "(b * 2)")),
                List.of(index("t_a_idx", "CREATE INDEX t_a_idx ON s.t USING btree (a) WHERE (a > 'a'::text::integer)",
                                Optional.empty(), List.of("a")),
                        index("t_b_idx", "CREATE INDEX t_b_idx ON s.t USING btree (lower(b::text))", Optional.empty(),
                                List.of("lower(b::text)"))),
                List.of());
        TableMapping m = TestMappings.renameColumns(TestMappings.identity(t, new PartitionRule.Keep()),
                java.util.Collections.unmodifiableMap(new java.util.HashMap<>(Map.of("a", "Alpha"))));
        java.util.HashMap<String, String> removeB = new java.util.HashMap<>();
        removeB.put("b", null);
        m = TestMappings.renameColumns(m, removeB);
        SchemaScript script = DdlWriter.write(catalog(List.of(t), List.of(), List.of()),
                List.of(new TargetTableSpec(t, m, List.of())), DdlWriter.Options.defaults());

        String text = all(script);
        assertTrue(text.contains("CREATE TABLE \"s\".\"t\" (\"Alpha\" integer, \"sum\" integer, \"twice_b\" integer)"),
                text);
        assertTrue(text.contains("CREATE INDEX \"t_a_idx\" ON \"s\".\"t\" USING btree (\"Alpha\") WHERE"
                + " (\"Alpha\" > 'a'::text::integer)"), text);
        assertFalse(text.contains("t_b_idx"), text);
        assertTrue(script.warnings().stream().anyMatch(w -> w.contains("t_b_idx") && w.contains("[b]")),
                script.warnings().toString());
        assertTrue(script.warnings().stream().anyMatch(w -> w.contains("sum") && w.contains("no longer generated")),
                script.warnings().toString());
    }

    @Test
    void keepsGeneratedExpressionsWithRenamedColumns() {
        Table t = plain(1, "s", "t", List.of(col(1, "Quantity", "integer", false), col(2, "price", "numeric", false),
                generated(col(3, "total", "numeric", false), "((\"Quantity\")::numeric * price)")), List.of(), List.of());
        TableMapping m = TestMappings.renameColumns(TestMappings.identity(t, new PartitionRule.Keep()),
                Map.of("Quantity", "qty"));
        String text = all(DdlWriter.write(catalog(List.of(t), List.of(), List.of()),
                List.of(new TargetTableSpec(t, m, List.of())), DdlWriter.Options.defaults()));
        assertTrue(text.contains("\"total\" numeric GENERATED ALWAYS AS (((\"qty\")::numeric * price)) STORED"), text);
    }

    @Test
    void createsOwnedSequencesUnderTheMappedSchemaAndPointsDefaultsAtThem() {
        Column no = withDefault(col(1, "no", "integer", true), "nextval('sales.tickets_no_seq'::regclass)");
        Table t = plain(1, "sales", "tickets", List.of(no, col(2, "subject", "text", false)), List.of(), List.of());
        Sequence seq = new Sequence("sales", "tickets_no_seq", "integer", 1, 1, 1, 2147483647, false, 1,
                OptionalLong.of(2), true, Optional.of(new OwnedBy("sales", "tickets", "no")), false, true, false,
                Optional.empty());
        TableMapping m = TestMappings.withSchema(TestMappings.identity(t, new PartitionRule.Keep()), s -> "shop");
        SchemaScript script = DdlWriter.write(catalog(List.of(t), List.of(seq), List.of()),
                List.of(new TargetTableSpec(t, m, List.of())),
                DdlWriter.Options.defaults().withSchemaMapping(s -> s.equals("sales") ? "shop" : s));

        assertEquals(List.of("CREATE SCHEMA IF NOT EXISTS \"shop\"",
                "CREATE SEQUENCE IF NOT EXISTS \"shop\".\"tickets_no_seq\" AS integer START WITH 1 INCREMENT BY 1"
                        + " MINVALUE 1 MAXVALUE 2147483647 CACHE 1 NO CYCLE",
                "CREATE TABLE \"shop\".\"tickets\" (\"no\" integer DEFAULT nextval('shop.tickets_no_seq'::regclass)"
                        + " NOT NULL, \"subject\" text)",
                "ALTER SEQUENCE \"shop\".\"tickets_no_seq\" OWNED BY \"shop\".\"tickets\".\"no\""),
                sql(script.preData()));
    }

    @Test
    void writesIdentityColumnsWithTheirSequenceOptionsAndNoCreateSequence() {
        Column id = identity(col(1, "id", "bigint", true), Identity.ALWAYS);
        Column other = identity(col(2, "n", "integer", true), Identity.BY_DEFAULT);
        Table t = plain(1, "s", "t", List.of(id, other), List.of(), List.of());
        Sequence seq = new Sequence("s", "t_id_seq", "bigint", 100, 5, 1, 9_000_000_000L, false, 10,
                OptionalLong.empty(), false, Optional.of(new OwnedBy("s", "t", "id")), true, true, false,
                Optional.empty());
        SchemaScript script = DdlWriter.write(catalog(List.of(t), List.of(seq), List.of()),
                List.of(spec(t, new PartitionRule.Keep())), DdlWriter.Options.defaults());
        String text = all(script);
        assertTrue(text.contains("\"id\" bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME \"s\".\"t_id_seq\""
                + " START WITH 100 INCREMENT BY 5 MINVALUE 1 MAXVALUE 9000000000 CACHE 10 NO CYCLE) NOT NULL"), text);
        assertTrue(text.contains("\"n\" integer GENERATED BY DEFAULT AS IDENTITY NOT NULL"), text);
        assertFalse(text.contains("CREATE SEQUENCE"), text);
    }

    @Test
    void createsUserTypesInDependencyOrderInTheMappedSchema() {
        UserType grade = new UserType(10, "inv", "grade", UserTypeKind.ENUM, List.of("a", "b'c"), Optional.empty(),
                List.of(), Optional.empty(), false, List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of());
        UserType grades = new UserType(11, "inv", "grades", UserTypeKind.DOMAIN, List.of(), Optional.of("inv.grade[]"),
                List.of("CONSTRAINT \"ok\" CHECK ((cardinality(VALUE) > 0))"), Optional.empty(), true, List.of(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
        Table t = plain(1, "inv", "t", List.of(col(1, "g", "inv.grades", false), col(2, "gs", "inv.grade[]", false)),
                List.of(), List.of());
        SchemaScript script = DdlWriter.write(catalog(List.of(t), List.of(), List.of(grades, grade)),
                List.of(new TargetTableSpec(t, TestMappings.withSchema(TestMappings.identity(t,
                        new PartitionRule.Keep()), s -> "Stock"), List.of())),
                DdlWriter.Options.defaults().withSchemaMapping(s -> s.equals("inv") ? "Stock" : s));
        assertEquals(List.of("CREATE SCHEMA IF NOT EXISTS \"Stock\"",
                "CREATE TYPE \"Stock\".\"grade\" AS ENUM ('a', 'b''c')",
                "CREATE DOMAIN \"Stock\".\"grades\" AS \"Stock\".grade[] NOT NULL"
                        + " CONSTRAINT \"ok\" CHECK ((cardinality(VALUE) > 0))",
                "CREATE TABLE \"Stock\".\"t\" (\"g\" \"Stock\".grades, \"gs\" \"Stock\".grade[])"),
                sql(script.preData()));
    }

    @Test
    void keepsPartitioningParentBeforeChildWithKeysOnTheRootOnly() {
        List<Column> cols = List.of(col(1, "id", "bigint", true), col(2, "day", "date", true),
                col(3, "region", "text", true));
        Table root = table(1, "s", "o", TableKind.PARTITIONED, cols,
                List.of(index("o_pkey", "CREATE UNIQUE INDEX o_pkey ON ONLY s.o USING btree (id, day)",
                        Optional.of("o_pkey"), List.of("id", "day"))),
                List.of(pk("o_pkey", "id", "day")), Optional.of("RANGE (day)"), OptionalLong.empty(),
                Optional.empty());
        Table mid = table(2, "s", "o_2024", TableKind.PARTITIONED, cols, List.of(), List.of(),
                Optional.of("LIST (region)"), OptionalLong.of(1),
                Optional.of("FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"));
        Index inherited = new Index("o_eu_pkey", "CREATE UNIQUE INDEX o_eu_pkey ON s.o_eu USING btree (id, day)",
                true, true, false, false, Optional.of("o_eu_pkey"), List.of("id", "day"), List.of(), true, true, false,
                Optional.empty());
        Constraint inheritedPk = new Constraint("o_eu_pkey", ConstraintType.PRIMARY_KEY, "PRIMARY KEY (id, day)",
                true, OptionalLong.empty(), true, false, false, List.of("id", "day"));
        Table leaf = table(3, "s", "o_eu", TableKind.TABLE, cols, List.of(inherited), List.of(inheritedPk),
                Optional.empty(), OptionalLong.of(2), Optional.of("FOR VALUES IN ('eu')"));
        Table dflt = table(4, "s", "o_default", TableKind.TABLE, cols, List.of(), List.of(), Optional.empty(),
                OptionalLong.of(1), Optional.of("DEFAULT"));
        SchemaScript script = DdlWriter.write(catalog(List.of(root, mid, leaf, dflt), List.of(), List.of()),
                List.of(new TargetTableSpec(root, TestMappings.identity(root, new PartitionRule.Keep()),
                        List.of(leaf, mid, dflt))), DdlWriter.Options.defaults());

        List<String> pre = sql(script.preData());
        assertEquals("CREATE TABLE \"s\".\"o\" (\"id\" bigint NOT NULL, \"day\" date NOT NULL, \"region\" text NOT NULL)"
                + " PARTITION BY RANGE (day)", pre.get(1));
        assertEquals("CREATE TABLE \"s\".\"o_2024\" PARTITION OF \"s\".\"o\" FOR VALUES FROM ('2024-01-01') TO"
                + " ('2025-01-01') PARTITION BY LIST (region)", pre.get(2));
        assertEquals("CREATE TABLE \"s\".\"o_default\" PARTITION OF \"s\".\"o\" DEFAULT", pre.get(3));
        assertEquals("CREATE TABLE \"s\".\"o_eu\" PARTITION OF \"s\".\"o_2024\" FOR VALUES IN ('eu')", pre.get(4));
        assertEquals(List.of("ALTER TABLE \"s\".\"o\" ADD CONSTRAINT \"o_pkey\" PRIMARY KEY (id, day)"),
                sql(script.postDataInOrder()));
    }

    @Test
    void mergesAPartitionedTableIntoOnePlainTable() {
        Table root = table(1, "s", "o", TableKind.PARTITIONED, List.of(col(1, "id", "bigint", true)), List.of(),
                List.of(), Optional.of("HASH (id)"), OptionalLong.empty(), Optional.empty());
        SchemaScript script = DdlWriter.write(catalog(List.of(root), List.of(), List.of()),
                List.of(spec(root, new PartitionRule.Merge())), DdlWriter.Options.defaults());
        assertEquals("CREATE TABLE \"s\".\"o\" (\"id\" bigint NOT NULL)", sql(script.preData()).get(1));
        assertTrue(script.warnings().stream().anyMatch(w -> w.contains("merged")));
    }

    @Test
    void repartitionsByMonthCoveringTheDataPlusADefault() {
        Table t = plain(1, "s", "ev", List.of(col(1, "id", "bigint", true), col(2, "at", "date", true)), List.of(),
                List.of());
        SchemaScript script = DdlWriter.write(catalog(List.of(t), List.of(), List.of()),
                List.of(spec(t, new PartitionRule.Repartition(new PartitionRule.Range("at", "1 month")))),
                DdlWriter.Options.defaults().withRangeBounds("s.ev", new RangeBounds("2024-01-15", "2024-03-01")));
        List<String> pre = sql(script.preData());
        assertEquals(List.of("CREATE SCHEMA IF NOT EXISTS \"s\"",
                "CREATE TABLE \"s\".\"ev\" (\"id\" bigint NOT NULL, \"at\" date NOT NULL) PARTITION BY RANGE (\"at\")",
                "CREATE TABLE \"s\".\"ev_p20240101\" PARTITION OF \"s\".\"ev\" FOR VALUES FROM ('2024-01-01') TO"
                        + " ('2024-02-01')",
                "CREATE TABLE \"s\".\"ev_p20240201\" PARTITION OF \"s\".\"ev\" FOR VALUES FROM ('2024-02-01') TO"
                        + " ('2024-03-01')",
                "CREATE TABLE \"s\".\"ev_p20240301\" PARTITION OF \"s\".\"ev\" FOR VALUES FROM ('2024-03-01') TO"
                        + " ('2024-04-01')",
                "CREATE TABLE \"s\".\"ev_default\" PARTITION OF \"s\".\"ev\" DEFAULT"), pre);
    }

    @Test
    void setsStorageParametersAndColumnOptionsButNotOnATableTheMappingsPartition() {
        Table t = plain(1, "s", "ev", List.of(col(1, "id", "bigint", true), col(2, "at", "date", true)), List.of(),
                List.of());
        DefinedObjects defined = new DefinedObjects(List.of(), List.of(),
                List.of(new StorageOptions(1, List.of("fillfactor=70"), List.of("autovacuum_enabled=false"))),
                List.of(new ColumnOptions(1, Optional.empty(), 2, "at", OptionalInt.of(500), Optional.of("p"),
                        List.of("n_distinct=-1"))), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of());
        SourceCatalog cat = new SourceCatalog(170000, "17.0", "UTF8", List.of(t), List.of(), List.of(), List.of(),
                List.of(), new SchemaObjects(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), defined, dev.godwit.workers.catalog.AccessControl.none()));

        SchemaScript plainTable = DdlWriter.write(cat, List.of(spec(t, new PartitionRule.Keep())),
                DdlWriter.Options.defaults());
        List<String> pre = sql(plainTable.preData());
        assertTrue(pre.contains("ALTER TABLE \"s\".\"ev\" SET (fillfactor='70', toast.autovacuum_enabled='false')"),
                pre.toString());
        assertTrue(pre.containsAll(List.of("ALTER TABLE \"s\".\"ev\" ALTER COLUMN \"at\" SET STATISTICS 500",
                "ALTER TABLE \"s\".\"ev\" ALTER COLUMN \"at\" SET STORAGE PLAIN",
                "ALTER TABLE \"s\".\"ev\" ALTER COLUMN \"at\" SET (n_distinct='-1')")), pre.toString());

        SchemaScript partitioned = DdlWriter.write(cat, List.of(spec(t, new PartitionRule.Repartition(
                new PartitionRule.Hash("at", 2)))), DdlWriter.Options.defaults());
        assertTrue(sql(partitioned.preData()).stream().noneMatch(q -> q.contains("fillfactor")),
                partitioned.preData().toString());
        assertTrue(partitioned.warnings().stream().anyMatch(w -> w.contains("fillfactor='70'")
                && w.contains("partitioned")), partitioned.warnings().toString());
    }

    @Test
    void repartitionsIntegerRangesListsAndHashes() {
        Table t = plain(1, "s", "n", List.of(col(1, "id", "integer", true), col(2, "k", "text", false)), List.of(),
                List.of());
        SourceCatalog cat = catalog(List.of(t), List.of(), List.of());
        List<String> range = sql(DdlWriter.write(cat, List.of(spec(t, new PartitionRule.Repartition(
                new PartitionRule.Range("id", "100")))), DdlWriter.Options.defaults()
                .withRangeBounds("s.n", new RangeBounds("-5", "150"))).preData());
        assertTrue(range.contains("CREATE TABLE \"s\".\"n_pm100\" PARTITION OF \"s\".\"n\" FOR VALUES FROM ('-100') TO"
                + " ('0')"), range.toString());
        assertEquals(6, range.size(), range.toString());

        List<String> list = sql(DdlWriter.write(cat, List.of(spec(t, new PartitionRule.Repartition(
                new PartitionRule.ListBy("k", List.of(List.of("a", "b"), List.of("it's")))))),
                DdlWriter.Options.defaults()).preData());
        assertTrue(list.contains("CREATE TABLE \"s\".\"n_p2\" PARTITION OF \"s\".\"n\" FOR VALUES IN ('it''s')"),
                list.toString());
        assertTrue(list.contains("CREATE TABLE \"s\".\"n_default\" PARTITION OF \"s\".\"n\" DEFAULT"));

        List<String> hash = sql(DdlWriter.write(cat, List.of(spec(t, new PartitionRule.Repartition(
                new PartitionRule.Hash("id", 3)))), DdlWriter.Options.defaults()).preData());
        assertTrue(hash.contains("CREATE TABLE \"s\".\"n_p2\" PARTITION OF \"s\".\"n\" FOR VALUES WITH (MODULUS 3,"
                + " REMAINDER 2)"), hash.toString());
    }

    @Test
    void refusesARepartitionWhosePrimaryKeyLacksThePartitionColumn() {
        Table t = plain(1, "s", "ev", List.of(col(1, "id", "bigint", true), col(2, "at", "date", true)),
                List.of(index("ev_pkey", "CREATE UNIQUE INDEX ev_pkey ON s.ev USING btree (id)", Optional.of("ev_pkey"),
                        List.of("id"))), List.of(pk("ev_pkey", "id")));
        SchemaException e = assertThrows(SchemaException.class, () -> DdlWriter.write(
                catalog(List.of(t), List.of(), List.of()),
                List.of(spec(t, new PartitionRule.Repartition(new PartitionRule.Hash("at", 4)))),
                DdlWriter.Options.defaults()));
        assertTrue(e.getMessage().contains("\"s\".\"ev\"") && e.getMessage().contains("at")
                && e.getMessage().contains("define-primary-key"), e.getMessage());
    }

    @Test
    void aDefinedPrimaryKeyReplacesTheSourceOne() {
        Table t = plain(1, "s", "t", List.of(col(1, "id", "bigint", true), col(2, "code", "text", true)),
                List.of(index("t_pkey", "CREATE UNIQUE INDEX t_pkey ON s.t USING btree (id)", Optional.of("t_pkey"),
                        List.of("id"))), List.of(pk("t_pkey", "id")));
        TableMapping m = TestMappings.identity(t, new PartitionRule.Keep());
        m = new TableMapping(m.source(), m.targetSchema(), m.targetName(), m.columns(), m.sourceFilterSql(),
                m.loadOrder(), Optional.of(new PrimaryKeyDefinition("t_code_pk", PrimaryKeyDefinition.Origin.PRIMARY_KEY,
                List.of("code"))), m.parallelLoad(), m.partitionRule(), m.appliedRules());
        List<String> post = sql(DdlWriter.write(catalog(List.of(t), List.of(), List.of()),
                List.of(new TargetTableSpec(t, m, List.of())), DdlWriter.Options.defaults()).postDataInOrder());
        assertEquals(List.of("CREATE UNIQUE INDEX \"t_code_pk\" ON \"s\".\"t\" (\"code\")",
                "ALTER TABLE \"s\".\"t\" ADD CONSTRAINT \"t_code_pk\" PRIMARY KEY USING INDEX \"t_code_pk\""), post);
    }

    @Test
    void skipsForeignKeysToUnselectedTablesWithAWarningAndRewritesSelectedOnes() {
        Table parent = plain(1, "s", "p", List.of(col(1, "id", "integer", true)), List.of(), List.of());
        Constraint toParent = new Constraint("c_p_fk", ConstraintType.FOREIGN_KEY,
                "FOREIGN KEY (pid) REFERENCES s.p(id) DEFERRABLE", false, OptionalLong.of(1), true, true, false,
                List.of("pid"));
        Constraint toOther = new Constraint("c_o_fk", ConstraintType.FOREIGN_KEY,
                "FOREIGN KEY (oid) REFERENCES s.other(id)", false, OptionalLong.of(99), true, false, false,
                List.of("oid"));
        Table child = plain(2, "s", "c", List.of(col(1, "pid", "integer", false), col(2, "oid", "integer", false)),
                List.of(), List.of(toParent, toOther));
        TableMapping pm = TestMappings.withSchema(TestMappings.identity(parent, new PartitionRule.Keep()), s -> "t");
        TableMapping cm = TestMappings.renameColumns(TestMappings.identity(child, new PartitionRule.Keep()),
                Map.of("pid", "parent_id"));
        SchemaScript script = DdlWriter.write(catalog(List.of(parent, child), List.of(), List.of()),
                List.of(new TargetTableSpec(parent, pm, List.of()), new TargetTableSpec(child, cm, List.of())),
                DdlWriter.Options.defaults());
        SchemaScript.Group fks = script.postData().get(script.postData().size() - 1);
        assertEquals(SchemaScript.FOREIGN_KEY_PHASE, fks.phase());
        assertEquals(List.of("ALTER TABLE \"s\".\"c\" ADD CONSTRAINT \"c_p_fk\" FOREIGN KEY (\"parent_id\") REFERENCES"
                + " \"t\".\"p\"(id) DEFERRABLE"), sql(fks.statements()));
        assertTrue(script.warnings().stream().anyMatch(w -> w.contains("c_o_fk") && w.contains("not selected")));
    }

    @Test
    void rewritesQuotedTypeNamesAndLeavesBuiltInsAlone() {
        assertEquals("\"New\".\"Type\"[]", SqlRewriter.rewriteType("\"MixedCase\".\"Type\"[]", s -> "New"));
        assertEquals("character varying(20)", SqlRewriter.rewriteType("character varying(20)", s -> "x"));
        assertEquals("timestamp(3) with time zone", SqlRewriter.rewriteType("timestamp(3) with time zone", s -> "x"));
    }
}
