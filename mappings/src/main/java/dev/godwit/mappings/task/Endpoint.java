package dev.godwit.mappings.task;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A PostgreSQL server and database to connect to.
 *
 * @param parameters libpq/PgJDBC connection parameters from the URL query ({@code sslmode}, {@code application_name},
 *                   ...), in URL order, never a password
 */
public record Endpoint(String host, int port, String database, String user, Map<String, String> parameters,
                       PasswordSource password) {

    /** Query parameters that hold secrets; they are taken out of the URL and never kept as parameters. */
    static final Set<String> SECRET_PARAMETERS = Set.of("password", "sslpassword");

    public Endpoint {
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    }

    /**
     * An endpoint given as a bare URL on a command line, not in a task file. Its password comes from PGPASSWORD or
     * ~/.pgpass (PGPASSFILE), never from the URL: a process's arguments are visible to every user of its host.
     *
     * @throws IllegalArgumentException naming what is wrong with the URL
     */
    public static Endpoint fromUrl(String url) {
        return EndpointParser.fromUrl(url);
    }

    /** {@code postgresql://user@host:port/db?sslmode=…}, safe to log: never a password. */
    public String redacted() {
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        String query = parameters.entrySet().stream()
                .filter(e -> !SECRET_PARAMETERS.contains(e.getKey()))
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return "postgresql://" + encode(user) + "@" + hostPart + ":" + port + "/" + encode(database)
                + (query.isEmpty() ? "" : "?" + query);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return redacted() + " (password: " + password + ")";
    }
}
