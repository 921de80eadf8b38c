package dev.godwit.workers.cdc.apply;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The renames among a source table's columns, told apart by attnum: PostgreSQL keeps a column's attnum across a
 * rename, never reuses a dropped column's, and gives an added column a new one. A Relation message names the
 * columns only, so the attnums come from the source's catalog now and from the task's record of what the target
 * follows.
 */
final class ColumnRenames {

    /** Source column {@code attnum}, followed as {@code from}, is now named {@code to}. */
    record Rename(int attnum, String from, String to) {
    }

    private ColumnRenames() {
    }

    /**
     * A recorded name still in the message is no rename unless the source has it on another column now (a column
     * added under the old name): else the message is older than the catalog read now (the stream lags), and the
     * name there is the column it was then.
     *
     * @param names    the columns of a Relation message
     * @param recorded attnum → the name the target follows the column by
     * @param now      the source's columns now, name → attnum
     */
    static List<Rename> find(List<String> names, Map<Integer, String> recorded, Map<String, Integer> now) {
        List<Rename> renames = new ArrayList<>();
        for (String name : names) {
            Integer attnum = now.get(name);
            String was = attnum == null ? null : recorded.get(attnum);
            if (was != null && !was.equals(name) && (!names.contains(was) || reused(was, attnum, now))) {
                renames.add(new Rename(attnum, was, name));
            }
        }
        return renames;
    }

    private static boolean reused(String name, int attnum, Map<String, Integer> now) {
        Integer other = now.get(name);
        return other != null && other != attnum;
    }

    /**
     * The recorded columns gone from the source (their attnum is no longer there) whose name a rename takes: a column
     * dropped and another renamed to its name, which must be dropped on the target before the rename.
     */
    static Map<Integer, String> freed(List<Rename> renames, Map<Integer, String> recorded, Map<String, Integer> now) {
        Map<Integer, String> freed = new TreeMap<>();
        recorded.forEach((attnum, name) -> {
            if (!now.containsValue(attnum) && renames.stream().anyMatch(r -> r.to().equals(name))) {
                freed.put(attnum, name);
            }
        });
        return freed;
    }

    /**
     * The renames in an order where each new name is free when its turn comes ({@code b → c} before {@code a → b});
     * empty when they go round in a cycle (two columns that swapped names), which needs a third name.
     *
     * @param taken the names in use before any rename
     */
    static Optional<List<Rename>> ordered(List<Rename> renames, Set<String> taken) {
        Set<String> inUse = new HashSet<>(taken);
        List<Rename> left = new ArrayList<>(renames);
        List<Rename> order = new ArrayList<>();
        while (!left.isEmpty()) {
            Optional<Rename> next = left.stream().filter(r -> !inUse.contains(r.to())).findFirst();
            if (next.isEmpty()) {
                return Optional.empty();
            }
            order.add(next.get());
            left.remove(next.get());
            inUse.remove(next.get().from());
            inUse.add(next.get().to());
        }
        return Optional.of(order);
    }
}
