package dev.godwit.orchestrator.state;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tables of Quartz's JDBC job store, inside the control schema, so a scheduled cutover survives a restart of
 * godwit and is visible from any machine. The DDL is Quartz's own PostgreSQL script from its jar, made idempotent
 * and schema-qualified, so it always matches the Quartz version on the class path.
 */
final class QuartzTables {
    private static final String SCRIPT = "/org/quartz/impl/jdbcjobstore/tables_postgres.sql";
    private static final Pattern CREATE_TABLE = Pattern.compile("(?i)CREATE TABLE (QRTZ_\\w+)");
    private static final Pattern CREATE_INDEX = Pattern.compile("(?i)CREATE INDEX (\\w+)\\s+ON (QRTZ_\\w+)");
    private static final Pattern REFERENCES = Pattern.compile("(?i)REFERENCES (QRTZ_\\w+)");

    private QuartzTables() {
    }

    /** The statements, for a quoted schema name; each one can run again without error. */
    static List<String> statements(String schema) {
        List<String> out = new ArrayList<>();
        for (String raw : script().split(";")) {
            String statement = withoutComments(raw).trim();
            String upper = statement.toUpperCase(java.util.Locale.ROOT);
            if (statement.isEmpty() || upper.startsWith("DROP ") || upper.equals("COMMIT")) {
                continue;
            }
            statement = CREATE_TABLE.matcher(statement).replaceFirst(m ->
                    Matcher.quoteReplacement("CREATE TABLE IF NOT EXISTS " + schema + "." + m.group(1).toLowerCase(java.util.Locale.ROOT)));
            statement = CREATE_INDEX.matcher(statement).replaceFirst(m ->
                    Matcher.quoteReplacement("CREATE INDEX IF NOT EXISTS " + m.group(1).toLowerCase(java.util.Locale.ROOT)
                            + " ON " + schema + "." + m.group(2).toLowerCase(java.util.Locale.ROOT)));
            statement = REFERENCES.matcher(statement).replaceAll(m ->
                    Matcher.quoteReplacement("REFERENCES " + schema + "." + m.group(1).toLowerCase(java.util.Locale.ROOT)));
            out.add(statement);
        }
        return out;
    }

    /** The prefix Quartz puts before its table names. */
    static String prefix(String schema) {
        return schema + ".qrtz_";
    }

    private static String withoutComments(String sql) {
        StringBuilder b = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.trim().startsWith("--")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    private static String script() {
        try (InputStream in = QuartzTables.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("Quartz's " + SCRIPT + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
