package dev.godwit.orchestrator.preflight;

import dev.godwit.orchestrator.cli.CliRun;
import dev.godwit.orchestrator.cli.ExitCodes;
import dev.godwit.workers.testkit.PgExtension;
import dev.godwit.workers.testkit.PgLab;
import dev.godwit.workers.testkit.PgServer;
import dev.godwit.workers.testkit.TestDatabase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that takes role {@code app} only over TLS with SCRAM, with a CA and server certificate generated here by
 * {@code openssl} (the test is skipped where openssl is missing). {@code app} is no superuser: it has LOGIN,
 * REPLICATION, owns the source tables and the target database, and finds its publication made for it, as
 * docs/setup-source.md sets it up. The hostnossl reject line proves that the connections that work use TLS.
 */
@ExtendWith(PgExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecurityTlsIT {
    private static final String PASSWORD = "tls-Pa55-word-9137";

    @TempDir
    Path dir;

    @Test
    void aLeastPrivilegedRoleOverVerifyFullTlsWithScramPlansAndPassesPreflight(PgLab lab) throws Exception {
        Setup s = setUp(lab);

        CliRun plan = CliRun.of("plan", s.task("verify-full", s.ca).toString());
        CliRun preflight = CliRun.of("preflight", s.task("verify-full", s.ca).toString());

        assertEquals(ExitCodes.OK, plan.exitCode(), plan::toString);
        assertTrue(plan.out().contains("public.orders → public.orders"), plan::toString);
        assertEquals(ExitCodes.OK, preflight.exitCode(), preflight::toString);
        assertTrue(preflight.out().contains("0 blockers"), preflight::toString);
        assertFalse((plan.out() + plan.err() + preflight.out() + preflight.err()).contains(PASSWORD));
    }

    /**
     * Both ways of applying as PostgreSQL's apply worker does: replica mode granted to the role
     * ({@code GRANT SET ON PARAMETER}), and the fallback without it; either way the source's cascade arrives once.
     */
    @ParameterizedTest(name = "replica mode granted: {0}")
    @ValueSource(booleans = {true, false})
    @org.junit.jupiter.api.Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aLeastPrivilegedRoleRunsAFullLoadAndCdcOverVerifyFullTlsWithScramAndThePasswordIsNowhere(boolean replicaMode,
                                                                                               PgLab lab) throws Exception {
        Setup s = setUp(lab);
        if (replicaMode) {
            s.target().execute("GRANT SET ON PARAMETER session_replication_role TO app");
        }
        s.source().execute("INSERT INTO public.orders SELECT g, g * 1.5 FROM generate_series(1, 1000) g",
                "INSERT INTO public.order_lines SELECT g, n FROM generate_series(1, 1000) g, generate_series(1, 2) n");
        Path task = s.task("verify-full", s.ca);
        var executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var run = executor.submit(() -> CliRun.of("start", task.toString()));
            awaitValue(s.target(), "SELECT count(*) FROM public.orders", "1000", run);
            s.source().execute("UPDATE public.orders SET total = -1 WHERE id = 7", "INSERT INTO public.orders VALUES (1001, 2)",
                    "DELETE FROM public.orders WHERE id = 8"); // cascades to its lines on the source
            awaitValue(s.target(), "SELECT total || '/' || (SELECT count(*) FROM public.orders) || '/'"
                    + " || (SELECT count(*) FROM public.order_lines) FROM public.orders WHERE id = 7", "-1/1000/1998", run);
            assertEquals(replicaMode ? "0" : "1", s.target().value("SELECT count(*) FROM pg_trigger"
                    + " WHERE tgname = 'orders_touch' AND tgenabled = 'D'"), "the fallback disables the target's trigger");
            assertEquals("t", s.source().value("SELECT count(*) > 0 AND bool_and(s.ssl) FROM pg_stat_ssl s "
                    + "JOIN pg_stat_activity a USING (pid) WHERE a.usename = 'app'"),
                    "every connection of godwit's role, the replication one included, uses TLS");

            assertEquals(ExitCodes.OK, CliRun.of("stop", task.toString()).exitCode());
            CliRun result = run.get(60, TimeUnit.SECONDS);
            assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
            assertFalse((result.out() + result.err()).contains(PASSWORD), "the password is printed nowhere");
            assertEquals("f", s.source().value("SELECT rolsuper FROM pg_roles WHERE rolname = 'app'"));
            assertEquals("0", s.target().value("SELECT count(*) FROM (SELECT row_to_json(x)::text t FROM godwit.task x "
                    + "UNION ALL SELECT row_to_json(x)::text FROM godwit.event x UNION ALL SELECT row_to_json(x)::text FROM godwit.unit x "
                    + "UNION ALL SELECT row_to_json(x)::text FROM godwit.table_state x UNION ALL SELECT row_to_json(x)::text FROM godwit.checkpoint x) rows "
                    + "WHERE t LIKE '%" + PASSWORD + "%'"), "the password is nowhere in the control schema");
        } finally {
            executor.shutdownNow();
        }
    }

    private static void awaitValue(TestDatabase db, String sql, String expected,
                                   java.util.concurrent.Future<CliRun> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = null;
        while (System.nanoTime() < deadline) {
            if (run.isDone()) {
                throw new AssertionError("godwit ended early: " + run.get());
            }
            try {
                last = db.value(sql);
                if (expected.equals(last)) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                last = notYet.getMessage();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("expected " + expected + " from " + sql + ", last saw " + last);
    }

    @Test
    void verifyFullWithTheWrongRootCertificateIsOneLineNamingTheServerAndTheTlsProblem(PgLab lab) throws Exception {
        Setup s = setUp(lab);

        CliRun run = CliRun.of("preflight", s.task("verify-full", s.otherCa).toString());

        assertEquals(ExitCodes.ACCESS, run.exitCode(), run::toString);
        assertEquals(1, run.err().strip().lines().count(), run::toString);
        assertTrue(run.err().contains("127.0.0.1:" + s.server.port()), run::toString);
        assertTrue(run.err().contains("TLS"), run::toString);
        assertTrue(run.err().contains("certificate"), run::toString);
        assertFalse(run.err().contains("\tat "), run::toString);
        assertFalse(run.err().contains(PASSWORD), run::toString);
    }

    @Test
    void sslmodeDisableAgainstAHostsslOnlyServerIsRefusedWithPgHbaAdvice(PgLab lab) throws Exception {
        Setup s = setUp(lab);

        CliRun run = CliRun.of("plan", s.task("disable", null).toString());

        assertEquals(ExitCodes.ACCESS, run.exitCode(), run::toString);
        assertEquals(1, run.err().strip().lines().count(), run::toString);
        assertTrue(run.err().contains("pg_hba.conf"), run::toString);
        assertTrue(run.err().contains("\"app\""), run::toString);
        assertFalse(run.err().contains("\tat "), run::toString);
    }

    private record Setup(PgServer server, TestDatabase source, TestDatabase target, Path ca, Path otherCa, Path dir) {
        Path task(String sslmode, Path rootCert) throws IOException {
            String query = "?sslmode=" + sslmode + (rootCert == null ? "" : "&sslrootcert=" + rootCert);
            Files.writeString(dir.resolve("mappings.json"), PreflightTasks.ALL_PUBLIC);
            Files.writeString(dir.resolve("pw.txt"), PASSWORD + "\n");
            return Files.writeString(dir.resolve("task.yaml"), """
                    name: tls
                    source:
                      url: postgresql://app@127.0.0.1:%d/%s%s
                      password: ${file:pw.txt}
                    target:
                      url: postgresql://app@127.0.0.1:%d/%s%s
                      password: ${file:pw.txt}
                    type: full-load-and-cdc
                    tableMappings: mappings.json
                    """.formatted(server.port(), source.name(), query, server.port(), target.name(), query));
        }
    }

    private Setup setUp(PgLab lab) throws Exception {
        Assumptions.assumeTrue(openssl("version") == 0, "openssl is not installed: TLS tests skipped");
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Path ca = ca(certs, "ca");
        Path otherCa = ca(certs, "other-ca");
        Files.writeString(certs.resolve("san.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        run(certs, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr");
        run(certs, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-out", "server.crt", "-extfile", "san.cnf");

        PgServer server = lab.dedicatedServer(17, Map.of("password_encryption", "'scram-sha-256'"),
                List.of("hostssl all app 127.0.0.1/32 scram-sha-256", "hostnossl all app 127.0.0.1/32 reject"));
        server.writeDataFile("server.crt", Files.readAllBytes(certs.resolve("server.crt")));
        server.writeDataFile("server.key", Files.readAllBytes(certs.resolve("server.key")));
        try (Connection c = server.connectAsSuperuser("postgres")) {
            c.createStatement().execute("ALTER SYSTEM SET ssl = on");
            c.createStatement().execute("SELECT pg_reload_conf()");
        }
        awaitSsl(server);
        TestDatabase source = lab.newDatabase(server);
        TestDatabase target = lab.newDatabase(server);
        source.execute("CREATE ROLE app LOGIN REPLICATION PASSWORD '" + PASSWORD + "'",
                "CREATE TABLE public.orders (id int PRIMARY KEY, total numeric)",
                "CREATE TABLE public.order_lines (order_id int REFERENCES public.orders ON DELETE CASCADE, n int,"
                        + " PRIMARY KEY (order_id, n))",
                "CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
                "CREATE TRIGGER orders_touch BEFORE UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION public.touch()",
                "ALTER TABLE public.orders OWNER TO app",
                "ALTER TABLE public.order_lines OWNER TO app",
                // created by the DBA for app, as docs/setup-source.md says: app itself has no CREATE on the database
                "CREATE PUBLICATION godwit_tls FOR TABLE public.orders, public.order_lines"
                        + " WITH (publish_via_partition_root = true)");
        target.execute("ALTER DATABASE \"" + target.name() + "\" OWNER TO app",
                "ALTER SCHEMA public OWNER TO app");
        return new Setup(server, source, target, ca, otherCa, dir);
    }

    private static void awaitSsl(PgServer server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Connection c = server.connectAsSuperuser("postgres");
                 ResultSet rs = c.createStatement().executeQuery("SHOW ssl")) {
                rs.next();
                if (rs.getString(1).equals("on")) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("ssl did not turn on after pg_reload_conf()");
            }
            Thread.sleep(50);
        }
    }

    private static Path ca(Path certs, String name) throws Exception {
        run(certs, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=godwit test " + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-keyout", name + ".key", "-out", name + ".crt");
        return certs.resolve(name + ".crt");
    }

    private static void run(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl hung");
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + "\n" + out);
    }

    private static int openssl(String arg) {
        try {
            Process p = new ProcessBuilder("openssl", arg).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }
}
