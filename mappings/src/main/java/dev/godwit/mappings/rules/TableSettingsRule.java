package dev.godwit.mappings.rules;

import java.util.Optional;

/** A {@code table-settings} rule, which DMS allows only for an exactly named table. */
public record TableSettingsRule(RuleRef ref, String schema, String table, Optional<ParallelLoad> parallelLoad,
                                Optional<LobSettings> lobSettings) {
}
