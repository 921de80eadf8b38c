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
        step("done: the plan above is what a run would do; servers are stopped and their files removed");
        return 0;
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
