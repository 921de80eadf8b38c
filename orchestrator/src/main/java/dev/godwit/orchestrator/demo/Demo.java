package dev.godwit.orchestrator.demo;

import dev.godwit.orchestrator.cli.Main;
import dev.godwit.workers.local.LocalPostgres;
import dev.godwit.workers.local.PgBinaries;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
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
 * binaries on this machine, a sample shop database on the source with an application writing to it throughout, and
 * godwit run on it through its own CLI: plan, start (full load, then CDC), status, validate, a fenced cutover, and an
 * independent comparison of every table at the end. Exits 0 only when the target equals the source.
 *
 * <p>Usage: {@code Demo BINARIES_DIR WORK_DIR SERVERS_DIR SOURCE_VERSION TARGET_VERSION}; the servers' files go
 * under {@code SERVERS_DIR} (which the servers' user must be able to traverse) and are removed when the demo ends,
 * however it ends.
 */
public final class Demo {
    private final Path work;
    private final LocalPostgres source;
    private final LocalPostgres target;
    private final DemoCleanup cleanup;

    private Demo(Path work, LocalPostgres source, LocalPostgres target, DemoCleanup cleanup) {
        this.work = work;
        this.source = source;
        this.target = target;
        this.cleanup = cleanup;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: Demo BINARIES_DIR WORK_DIR SERVERS_DIR SOURCE_VERSION TARGET_VERSION");
            System.exit(2);
        }
        Path binaries = Path.of(args[0]);
        Path work = Path.of(args[1]).toAbsolutePath();
        Path servers = Path.of(args[2]).toAbsolutePath();
        Files.createDirectories(work);
        int code;
        try (DemoCleanup cleanup = new DemoCleanup()) {
            step("starting a PostgreSQL " + args[3] + " source and a PostgreSQL " + args[4] + " target on 127.0.0.1");
            LocalPostgres source = cleanup.server(LocalPostgres.create(
                    PgBinaries.install(args[3], binaries, PgBinaries.defaultCacheRoot()), servers.resolve("source")));
            LocalPostgres target = cleanup.server(LocalPostgres.create(
                    PgBinaries.install(args[4], binaries, PgBinaries.defaultCacheRoot()), servers.resolve("target")));
            code = new Demo(work, source, target, cleanup).run();
        }
        step("servers stopped and their files removed");
        // after the cleanup: System.exit would skip the closing of a try-with-resources around it
        System.exit(code);
    }

    private int run() throws Exception {
        step("creating the sample database 'shop' on the source (schemas sales, inventory, public; ~720k rows)");
        execute(source, "postgres", "CREATE DATABASE shop");
        execute(target, "postgres", "CREATE DATABASE shop");
        execute(source, "shop", resource("shop-schema.sql"));

        Path task = writeTask();
        step("godwit plan " + task);
        int code = Main.run("plan", task.toString());
        if (code != 0) {
            return failed("godwit plan", code);
        }
        step("an application starts writing to the source, and keeps writing until the cutover");
        try (DemoWriter writer = new DemoWriter(() -> connect(source, "shop"))) {
            step("godwit start " + task + "  (in its own process: full load under a slot's snapshot, then change data capture)");
            Process godwit = cleanup.process(godwit("start", task.toString()));
            if (!awaitStreaming(godwit)) {
                return failed("godwit start", godwit.exitValue());
            }
            Thread.sleep(5_000);
            step("godwit status  (while the application writes: " + writer.transactions() + " transactions so far)");
            Main.run("status", task.toString());

            step("godwit validate --content  (both sides read at one source position while CDC goes on)");
            code = Main.run("validate", "--content", task.toString());
            if (code != 0) {
                return failed("godwit validate", code);
            }
            step("godwit cutover --fence  (lag check, source made read-only, final catch-up, sequences, validation;"
                    + " the running 'godwit start' performs it and logs each step)");
            // The command prints the steps as the running godwit records them, for a DBA at another terminal; here
            // that godwit's own log shares this terminal, so only the command's verdict is shown, or all on failure.
            StringWriter followed = new StringWriter();
            code = Main.run(new PrintWriter(followed, true), new PrintWriter(System.err, true), "cutover", "--fence",
                    task.toString());
            if (code != 0) {
                System.out.print(followed);
                return failed("godwit cutover", code);
            }
            System.out.println("godwit cutover: " + lastLine(followed.toString()));
            if (!godwit.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || godwit.exitValue() != 0) {
                return failed("godwit start (after the cutover)", godwit.isAlive() ? -1 : godwit.exitValue());
            }
            writer.close();
            System.out.println("  the application wrote " + writer.transactions() + " transactions; the fence stopped it: "
                    + (writer.ended() == null ? "(it had stopped before)" : writer.ended()));
        }
        step("comparing every table once more, independently of godwit (row count and an order-free hash of the rows)");
        boolean equal = true;
        for (String table : List.of("public.customers", "public.events", "sales.orders", "sales.order_lines")) {
            equal &= compare(table, table);
        }
        equal &= compare("inventory.products", "catalog.products");
        if (!equal) {
            System.err.println("demo: the target differs from the source");
            return 4;
        }
        step("done: the target equals the source's final state");
        return 0;
    }

    /** Waits until the running godwit has finished the full load and streams changes, following its phase. */
    private boolean awaitStreaming(Process godwit) throws Exception {
        while (godwit.isAlive()) {
            try {
                if ("CDC".equals(value(target, "shop", "SELECT phase FROM godwit.task"))) {
                    return true;
                }
            } catch (SQLException notYet) {
                // the control schema is created by godwit's second step
            }
            Thread.sleep(500);
        }
        return false;
    }

    /** godwit in a process of its own, as a DBA runs it; its output goes to this terminal. */
    private static Process godwit(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).inheritIO().start();
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static int failed(String what, int code) {
        System.err.println("demo: " + what + " failed with exit code " + code);
        return code == 0 ? 1 : code;
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
        try (Connection c = connect(server, database); Statement s = c.createStatement();
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
                type: full-load-and-cdc
                tableMappings: shop-mappings.json
                settings:
                  parallelism: 2
                  splitThreshold: 16MB
                """.formatted(source.port(), target.port()));
        return task;
    }

    private static void execute(LocalPostgres server, String database, String sql) throws SQLException {
        try (Connection c = connect(server, database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Connection connect(LocalPostgres server, String database) {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        try {
            return DriverManager.getConnection(server.jdbcUrl(database), p);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + server.jdbcUrl(database) + ": " + e.getMessage(), e);
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
