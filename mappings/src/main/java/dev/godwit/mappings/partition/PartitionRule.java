package dev.godwit.mappings.partition;

import java.util.List;

/** What becomes of a table's partitioning on the target. */
public sealed interface PartitionRule {

    /** The target is partitioned as the source is (a plain table stays plain). */
    record Keep() implements PartitionRule {
    }

    /** A partitioned source table lands as one plain target table holding the rows of all its partitions. */
    record Merge() implements PartitionRule {
    }

    /** The target table is partitioned anew, whatever the source does. */
    record Repartition(Strategy strategy) implements PartitionRule {
    }

    /** How a repartitioned table is partitioned; {@code column} is a target column name. */
    sealed interface Strategy {
        String column();

        /** The same strategy over another column (the target's name for it). */
        Strategy withColumn(String column);
    }

    /**
     * @param interval partition width: an interval such as {@code 1 month} for date and timestamp columns, or a
     *                 whole number for integer columns
     */
    record Range(String column, String interval) implements Strategy {
        public Strategy withColumn(String other) {
            return new Range(other, interval);
        }
    }

    /** One partition per group of values. */
    record ListBy(String column, List<List<String>> valueGroups) implements Strategy {
        public ListBy {
            valueGroups = valueGroups.stream().map(List::copyOf).toList();
        }

        public Strategy withColumn(String other) {
            return new ListBy(other, valueGroups);
        }
    }

    record Hash(String column, int partitions) implements Strategy {
        public Strategy withColumn(String other) {
            return new Hash(other, partitions);
        }
    }
}
