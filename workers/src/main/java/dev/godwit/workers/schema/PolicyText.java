package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.catalog.Policy;

import java.util.stream.Collectors;

/** CREATE POLICY from {@code pg_policy}'s parts (there is no pg_get_policydef); pure text. */
final class PolicyText {
    private PolicyText() {
    }

    static String create(Policy p, String table) {
        StringBuilder sql = new StringBuilder("CREATE POLICY ").append(SqlText.identifier(p.name())).append(" ON ")
                .append(table).append(p.permissive() ? " AS PERMISSIVE" : " AS RESTRICTIVE").append(" FOR ")
                .append(command(p.command()));
        sql.append(" TO ").append(p.roles().isEmpty() ? "PUBLIC" : p.roles().stream()
                .map(r -> r.map(SqlText::identifier).orElse("PUBLIC")).collect(Collectors.joining(", ")));
        p.using().ifPresent(u -> sql.append(" USING (").append(u).append(')'));
        p.withCheck().ifPresent(c -> sql.append(" WITH CHECK (").append(c).append(')'));
        return sql.toString();
    }

    private static String command(String polcmd) {
        return switch (polcmd) {
            case "r" -> "SELECT";
            case "a" -> "INSERT";
            case "w" -> "UPDATE";
            case "d" -> "DELETE";
            default -> "ALL";
        };
    }
}
