package dev.godwit.workers.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A user-defined operator class.
 *
 * @param type      the indexed type, as {@code format_type} prints it
 * @param family    its family, qualified
 * @param ownFamily the family is the class's own (same name and schema), made with it
 * @param members   the operators and support functions it lists, as CREATE OPERATOR CLASS items
 * @param storage   the type its index stores, when it differs from {@code type}
 */
public record OperatorClass(String schema, String name, String method, boolean isDefault, String type,
                            String family, boolean ownFamily, List<String> members, Optional<String> storage,
                            Optional<String> comment) {
    public OperatorClass {
        members = List.copyOf(members);
    }
}
