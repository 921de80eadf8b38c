package dev.godwit.orchestrator.corpus;

import dev.godwit.workers.testkit.TestDatabase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every application object of a database as one line {@code kind | object | definition}, read by
 * {@code corpus/catalog.sql} (the definitions are the server's own {@code pg_get_*def} output): what
 * {@code pg_dump --schema-only} would compare, without pg_dump, whose version must be at least the server's.
 *
 * @param major the server's major version
 */
record CatalogFingerprint(int major, SortedSet<String> lines) {

    /**
     * A definition that was printed by the source's server and parsed again by the target's is printed differently
     * when the parser puts a cast elsewhere than the deparser showed it: {@code col IN ('Y', 'N')} on a varchar column
     * is stored as {@code ANY ((ARRAY['Y'::varchar, 'N'::varchar])::text[])} and, parsed again, becomes
     * {@code ANY (ARRAY[('Y'::varchar)::text, ('N'::varchar)::text])}, with the same meaning. pg_dump and a restore
     * make the same change (they also go through the printed form), so both sides are brought to the second form.
     */
    private static final Pattern ARRAY_CAST = Pattern.compile("\\(\\(ARRAY\\[((?:'(?:[^']|'')*'(?:::[\\w .\"]+)?(?:, )?)+)\\]\\)::([\\w .\"]+)\\[\\]\\)");
    private static final Pattern ARRAY_ELEMENT = Pattern.compile("'(?:[^']|'')*'(?:::[\\w .\"]+?)?(?=, |$)");

    /**
     * Differences that only the servers' versions make, legitimate on a cross-version migration (docs/testing.md):
     * a contrib extension is created at the version the target's release ships ({@code CREATE EXTENSION} without a
     * version, as pg_dump writes it too), so only its name and schema are compared.
     */
    private static final List<UnaryOperator<String>> CROSS_VERSION = List.of(
            line -> line.startsWith("extension | ") ? line.replaceFirst(" version \\S+$", "") : line);

    static CatalogFingerprint of(TestDatabase db) {
        String sql = catalogQuery();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            int major = c.getMetaData().getDatabaseMajorVersion();
            SortedSet<String> lines = new TreeSet<>();
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    lines.add(rs.getString(1) + " | " + rs.getString(2) + " | " + rs.getString(3));
                }
            }
            return new CatalogFingerprint(major, lines);
        } catch (SQLException e) {
            throw new IllegalStateException("catalog.sql failed on " + db + ": " + e.getMessage(), e);
        }
    }

    /** The lines of both, normalised alike when the versions differ, that the other lacks; empty when equal. */
    String differencesFrom(CatalogFingerprint target) {
        boolean crossVersion = major != target.major;
        Set<String> source = normalised(crossVersion);
        Set<String> other = target.normalised(crossVersion);
        List<String> out = new ArrayList<>();
        source.stream().filter(l -> !other.contains(l)).forEach(l -> out.add("only on the source: " + l));
        other.stream().filter(l -> !source.contains(l)).forEach(l -> out.add("only on the target: " + l));
        return String.join("\n", out);
    }

    private Set<String> normalised(boolean crossVersion) {
        return lines.stream().map(l -> {
            String n = castsInsideArrays(l);
            for (UnaryOperator<String> rule : crossVersion ? CROSS_VERSION : List.<UnaryOperator<String>>of()) {
                n = rule.apply(n);
            }
            return n;
        }).collect(Collectors.toCollection(TreeSet::new));
    }

    /** {@code (ARRAY[a, b])::t[]} as {@code ARRAY[(a)::t, (b)::t]} (see {@link #ARRAY_CAST}). */
    static String castsInsideArrays(String definition) {
        Matcher m = ARRAY_CAST.matcher(definition);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String type = m.group(2);
            String elements = ARRAY_ELEMENT.matcher(m.group(1)).results()
                    .map(e -> "(" + e.group() + ")::" + type).collect(Collectors.joining(", "));
            m.appendReplacement(out, Matcher.quoteReplacement("(ARRAY[" + elements + "])"));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String catalogQuery() {
        try {
            return Files.readString(Corpus.resource("catalog.sql"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
