package dev.godwit.workers.schema;

/** The mappings ask for a target schema that PostgreSQL cannot build; the message names the table and the fix. */
public final class SchemaException extends RuntimeException {
    public SchemaException(String message) {
        super(message);
    }
}
