package dev.godwit.workers.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A function, procedure, window function or aggregate of a user schema (not an extension's).
 *
 * @param identityArguments {@code pg_get_function_identity_arguments}: what COMMENT ON and DROP name it by (a
 *                          function's and procedure's argument names quoted, {@link ArgumentNames})
 * @param definition        {@code pg_get_functiondef}, a whole {@code CREATE OR REPLACE FUNCTION}, with every
 *                          argument name quoted ({@link ArgumentNames}); empty for an aggregate, which is built from
 *                          {@link #aggregate()}
 * @param library           {@code probin}: the shared library of a C function
 * @param searchPath        its {@code SET search_path} setting, as {@code proconfig} holds it
 * @param relations         the tables and views it needs first (its signature's row types, a SQL-standard body's
 *                          tables); a body in any other language records none
 */
public record Routine(long oid, String schema, String name, Kind kind, String identityArguments, String language,
                      Optional<String> definition, Optional<String> library, Optional<String> searchPath,
                      List<Long> relations,
                      Optional<Aggregate> aggregate, Optional<String> comment) {

    public Routine {
        relations = List.copyOf(relations);
    }

    /** {@code pg_proc.prokind}. */
    public enum Kind {
        FUNCTION("FUNCTION"), PROCEDURE("PROCEDURE"), AGGREGATE("AGGREGATE"), WINDOW("FUNCTION");

        private final String keyword;

        Kind(String keyword) {
            this.keyword = keyword;
        }

        /** The word COMMENT ON and DROP use for it. */
        public String keyword() {
            return keyword;
        }

        static Kind of(String prokind) {
            return switch (prokind) {
                case "p" -> PROCEDURE;
                case "a" -> AGGREGATE;
                case "w" -> WINDOW;
                default -> FUNCTION;
            };
        }
    }

    /** {@code "schema"."name"(args)}, as COMMENT ON names it. */
    public String signature() {
        return Identifiers.qualified(schema, name) + "(" + identityArguments + ")";
    }
}
