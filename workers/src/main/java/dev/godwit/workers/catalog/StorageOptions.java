package dev.godwit.workers.catalog;

import java.util.List;

/**
 * The storage parameters a table, partition or materialized view sets, as {@code reloptions} holds them.
 *
 * @param options      {@code name=value} of the relation itself ({@code fillfactor=90})
 * @param toastOptions {@code name=value} of its TOAST table, without the {@code toast.} prefix DDL gives them
 */
public record StorageOptions(long relationOid, List<String> options, List<String> toastOptions) {
    public StorageOptions {
        options = List.copyOf(options);
        toastOptions = List.copyOf(toastOptions);
    }
}
