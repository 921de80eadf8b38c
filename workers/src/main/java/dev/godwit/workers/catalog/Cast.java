package dev.godwit.workers.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A user-defined cast.
 *
 * @param source   the source type as {@code format_type} prints it
 * @param method   {@code castmethod}: f function, i inout, b binary coercible
 * @param context  {@code castcontext}: e explicit, a assignment, i implicit
 * @param function the function with its argument types, for method f
 * @param schemas  the schemas of the source type, the target type and the function
 */
public record Cast(String source, String target, String method, String context, Optional<String> function,
                   long functionOid, List<String> schemas, Optional<String> comment) {
    public Cast {
        schemas = List.copyOf(schemas);
    }
}
