package dev.godwit.workers.schema;

import dev.godwit.mappings.partition.PartitionRule;
import dev.godwit.mappings.sql.SqlText;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** The partitions of a table partitioned anew on the target ({@link PartitionRule.Repartition}). */
final class Repartitioning {
    private static final int MAX_PARTITIONS = 10_000;

    private Repartitioning() {
    }

    static List<Statement> partitions(TargetTableSpec spec, PartitionRule.Strategy strategy, String parent,
                                      Optional<RangeBounds> bounds, Consumer<String> warnings) {
        String schema = spec.mapping().targetSchema();
        String base = spec.mapping().targetName();
        List<Statement> out = new ArrayList<>();
        if (strategy instanceof PartitionRule.Range r) {
                if (bounds.isEmpty() || bounds.get().min() == null || bounds.get().max() == null) {
                    warnings.accept(parent + ": no min/max of " + r.column() + " given (or the table is empty), so"
                            + " it gets only a DEFAULT partition");
                } else {
                    for (String[] range : ranges(parent, r, bounds.get())) {
                        String name = SqlText.qualified(schema, base + "_p" + (range[0].startsWith("-") ? "m" + range[0].substring(1) : range[0]).replaceAll("[^0-9A-Za-z]", ""));
                        out.add(new Statement("partition " + name, "CREATE TABLE " + name + " PARTITION OF " + parent
                                + " FOR VALUES FROM (" + SqlText.literal(range[0]) + ") TO ("
                                + SqlText.literal(range[1]) + ")"));
                    }
                }
                out.add(defaultPartition(schema, base, parent));
        } else if (strategy instanceof PartitionRule.ListBy l) {
                int i = 1;
                for (List<String> group : l.valueGroups()) {
                    String name = SqlText.qualified(schema, base + "_p" + i++);
                    out.add(new Statement("partition " + name, "CREATE TABLE " + name + " PARTITION OF " + parent
                            + " FOR VALUES IN (" + group.stream().map(v -> v == null ? "NULL" : SqlText.literal(v))
                            .collect(Collectors.joining(", ")) + ")"));
                }
                out.add(defaultPartition(schema, base, parent));
        } else if (strategy instanceof PartitionRule.Hash h) {
                if (h.partitions() < 1) {
                    throw new SchemaException(parent + ": hash repartitioning needs at least 1 partition, got "
                            + h.partitions());
                }
                for (int i = 0; i < h.partitions(); i++) {
                    String name = SqlText.qualified(schema, base + "_p" + i);
                    out.add(new Statement("partition " + name, "CREATE TABLE " + name + " PARTITION OF " + parent
                            + " FOR VALUES WITH (MODULUS " + h.partitions() + ", REMAINDER " + i + ")"));
                }
        }
        return out;
    }

    private static Statement defaultPartition(String schema, String base, String parent) {
        String name = SqlText.qualified(schema, base + "_default");
        return new Statement("partition " + name, "CREATE TABLE " + name + " PARTITION OF " + parent + " DEFAULT");
    }

    /** [from, to) pairs covering min..max, aligned to the interval. */
    static List<String[]> ranges(String table, PartitionRule.Range r, RangeBounds bounds) {
        List<String[]> out = new ArrayList<>();
        String interval = r.interval().trim();
        if (interval.matches("\\d+")) {
            long step = Long.parseLong(interval);
            long min;
            long max;
            try {
                min = Long.parseLong(bounds.min().trim());
                max = Long.parseLong(bounds.max().trim());
            } catch (NumberFormatException e) {
                throw new SchemaException(table + ": range interval " + interval + " is a number but the bounds "
                        + bounds + " are not whole numbers; use an interval such as '1 month' for a date column");
            }
            if (step <= 0) {
                throw new SchemaException(table + ": range interval must be positive, got " + interval);
            }
            long from = Math.floorDiv(min, step) * step;
            while (from <= max) {
                out.add(new String[]{Long.toString(from), Long.toString(from + step)});
                from += step;
                checkCount(table, out);
            }
            return out;
        }
        String[] parts = interval.toLowerCase(Locale.ROOT).split("\\s+");
        if (parts.length != 2 || !parts[0].matches("\\d+")) {
            throw new SchemaException(table + ": range interval '" + interval + "' is not understood; write a"
                    + " number of days, weeks, months or years ('1 month'), or a whole number for integer columns");
        }
        int count = Integer.parseInt(parts[0]);
        String unit = parts[1].endsWith("s") ? parts[1].substring(0, parts[1].length() - 1) : parts[1];
        LocalDate min = date(table, bounds.min());
        LocalDate max = date(table, bounds.max());
        LocalDate from = switch (unit) {
            case "day" -> min;
            case "week" -> min.minusDays(min.getDayOfWeek().getValue() - 1L);
            case "month" -> min.withDayOfMonth(1);
            case "year" -> min.withDayOfYear(1);
            default -> throw new SchemaException(table + ": range interval unit '" + parts[1] + "' is not supported;"
                    + " use days, weeks, months or years");
        };
        if (count <= 0) {
            throw new SchemaException(table + ": range interval must be positive, got " + interval);
        }
        while (!from.isAfter(max)) {
            LocalDate to = switch (unit) {
                case "day" -> from.plusDays(count);
                case "week" -> from.plusWeeks(count);
                case "month" -> from.plusMonths(count);
                default -> from.plusYears(count);
            };
            out.add(new String[]{from.toString(), to.toString()});
            from = to;
            checkCount(table, out);
        }
        return out;
    }

    private static LocalDate date(String table, String text) {
        try {
            String t = text.trim();
            return LocalDate.parse(t.substring(0, Math.min(10, t.length())));
        } catch (DateTimeParseException e) {
            throw new SchemaException(table + ": range bound '" + text + "' is not a date (YYYY-MM-DD…)");
        }
    }

    private static void checkCount(String table, List<String[]> out) {
        if (out.size() > MAX_PARTITIONS) {
            throw new SchemaException(table + ": the range interval makes more than " + MAX_PARTITIONS
                    + " partitions; choose a wider interval");
        }
    }
}
