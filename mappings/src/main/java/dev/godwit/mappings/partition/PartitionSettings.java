package dev.godwit.mappings.partition;

import java.util.Map;

/**
 * The {@code partitions} setting.
 *
 * @param defaultRule what tables not named in {@code tables} get; only {@link PartitionRule.Keep} or
 *                    {@link PartitionRule.Merge}
 * @param tables      per source table, keyed by {@link TableName}
 */
public record PartitionSettings(PartitionRule defaultRule, Map<TableName, PartitionRule> tables) {

    public PartitionSettings {
        tables = Map.copyOf(tables);
    }

    public static PartitionSettings keepAll() {
        return new PartitionSettings(new PartitionRule.Keep(), Map.of());
    }
}
