package dev.godwit.workers.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One SQL query kept in a resource file next to this class ({@code <name>.sql}), so that the query can be read, run
 * in psql and reviewed as SQL. Each file is read once per class loader.
 */
record SqlResource(String name, String sql) {
    private static final Map<String, SqlResource> LOADED = new ConcurrentHashMap<>();

    static SqlResource of(String name) {
        return LOADED.computeIfAbsent(name, SqlResource::load);
    }

    private static SqlResource load(String name) {
        String file = name + ".sql";
        try (InputStream in = SqlResource.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("SQL resource " + file + " is missing from the classpath");
            }
            return new SqlResource(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read SQL resource " + file, e);
        }
    }

    @Override
    public String toString() {
        return name + ".sql";
    }
}
