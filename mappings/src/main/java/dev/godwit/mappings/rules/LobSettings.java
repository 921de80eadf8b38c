package dev.godwit.mappings.rules;

import java.util.OptionalLong;

/** A table-settings {@code lob-settings} object; kept only to say that PostgreSQL to PostgreSQL needs none. */
public record LobSettings(String mode, OptionalLong bulkMaxSizeKb) {
}
