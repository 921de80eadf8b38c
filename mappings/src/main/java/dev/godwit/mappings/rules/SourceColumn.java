package dev.godwit.mappings.rules;

/**
 * A source column as the catalog reports it.
 *
 * @param name    catalog spelling
 * @param type    {@code format_type()} text, e.g. {@code character varying(20)}, {@code public.mood}, {@code integer[]}
 * @param notNull whether the column is declared NOT NULL
 */
public record SourceColumn(String name, String type, boolean notNull) {
}
