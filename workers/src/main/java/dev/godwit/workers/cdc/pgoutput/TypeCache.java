package dev.godwit.workers.cdc.pgoutput;

import dev.godwit.workers.cdc.pgoutput.PgOutputMessage.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latest {@link Type} message per type OID. PostgreSQL sends one for each non-built-in type (e.g. an enum, a
 * domain, an extension type) before the first Relation that uses it. Not thread-safe.
 */
public final class TypeCache {

    private final Map<Long, Type> types = new HashMap<>();

    public void put(Type type) {
        types.put(type.typeOid(), type);
    }

    public Optional<Type> get(long typeOid) {
        return Optional.ofNullable(types.get(typeOid));
    }

    /** {@code namespace.name} of a type seen in a Type message, e.g. for a cast when binding its text value. */
    public Optional<String> qualifiedName(long typeOid) {
        return get(typeOid).map(type -> type.namespace() + "." + type.name());
    }
}
