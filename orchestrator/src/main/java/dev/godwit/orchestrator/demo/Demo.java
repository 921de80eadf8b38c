package dev.godwit.orchestrator.demo;

import dev.godwit.orchestrator.cli.Main;
import dev.godwit.workers.local.LocalPostgres;
import dev.godwit.workers.local.PgBinaries;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * The README's first command ({@code scripts/demo.sh}): a source and a target PostgreSQL started from the embedded
 * binaries on this machine, a sample shop database on the source, and godwit run on it through its own CLI.
 *
 * <p>Usage: {@code Demo BINARIES_DIR WORK_DIR SOURCE_VERSION TARGET_VERSION}
 */
public final class Demo {
    private final Path work;
    private final LocalPostgres source;
    private final LocalPostgres target;

    private Demo(Path work, LocalPostgres source, LocalPostgres target) {
        this.work = work;
        this.source = source;
        this.target = target;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: Demo BINARIES_DIR WORK_DIR SOURCE_VERSION TARGET_VERSION");
            System.exit(2);
        }
        Path binaries = Path.of(args[0]);
        Path work = Path.of(args[1]).toAbsolutePath();
        Files.createDirectories(work);
        step("starting a PostgreSQL " + args[2] + " source and a PostgreSQL " + args[3] + " target on 127.0.0.1");
        try (LocalPostgres source = LocalPostgres.create(PgBinaries.install(args[2], binaries, PgBinaries.defaultCacheRoot()),
                Files.createTempDirectory("godwit-demo-source"));
             LocalPostgres target = LocalPostgres.create(PgBinaries.install(args[3], binaries, PgBinaries.defaultCacheRoot()),
                     Files.createTempDirectory("godwit-demo-target"))) {
            System.exit(new Demo(work, source, target).run());
        }
    }

    private int run() throws IOException, SQLException {
        step("creating the sample database 'shop' on the source (schemas sales, inventory, public; ~470k rows)");
        execute(source, "postgres", "CREATE DATABASE shop");
        execute(target, "postgres", "CREATE DATABASE shop");
        execute(source, "shop", resource("shop-schema.sql"));

        Path task = writeTask();
        step("godwit plan " + task);
        int code = Main.run("plan", task.toString());
        if (code != 0) {
            System.err.println("demo: godwit plan failed with exit code " + code);
            return code;
        }
        step("godwit start " + task + "  (full load: target schema, parallel COPY under one snapshot, keys and indexes)");
        code = Main.run("start", task.toString());
        if (code != 0) {
            System.err.println("demo: godwit start failed with exit code " + code);
            return code;
        }
        step("comparing every table, source against target (row count and an order-free hash of the rows)");
        boolean equal = true;
        for (String table : List.of("public.customers", "public.events", "sales.orders", "sales.order_lines")) {
            equal &= compare(table, table);
        }
        equal &= compare("inventory.products", "catalog.products");
        if (!equal) {
            System.err.println("demo: the target differs from the source");
            return 4;
        }
        step("done: the target equals the source; servers are stopped and their files removed");
        return 0;
    }

    private boolean compare(String sourceTable, String targetTable) throws SQLException {
        String query = "SELECT count(*) || ' rows, hash ' || coalesce(md5(string_agg(h, '' ORDER BY h)), '-') FROM "
                + "(SELECT md5(t::text) h FROM %s t) x";
        String s = value(source, "shop", query.formatted(sourceTable));
        String t = value(target, "shop", query.formatted(targetTable));
        System.out.printf("  %-20s %s  %s%n", targetTable, s.equals(t) ? "equal  " : "DIFFERS", t);
        return s.equals(t);
    }

    private static String value(LocalPostgres server, String database, String sql) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(database), p); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private Path writeTask() throws IOException {
        Files.writeString(work.resolve("shop-mappings.json"), resource("shop-mappings.json"));
        Path task = work.resolve("shop-task.yaml");
        Files.writeString(task, """
                # written by the godwit demo; see docs/task-file.md
                name: shop_demo
                source:
                  url: postgresql://postgres@127.0.0.1:%d/shop
                target:
                  url: postgresql://postgres@127.0.0.1:%d/shop
                # change data capture is not built yet: this demo runs a one-time full load
                type: full-load
                tableMappings: shop-mappings.json
                settings:
                  parallelism: 2
                  splitThreshold: 16MB
                """.formatted(source.port(), target.port()));
        return task;
    }

    private static void execute(LocalPostgres server, String database, String sql) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(database), p); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Demo.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing demo resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void step(String what) {
        System.out.println();
        System.out.println("== " + what);
    }
}
