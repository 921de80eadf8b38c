package dev.godwit.workers.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A user-defined operator family.
 *
 * @param method       the index access method: btree, hash, gist, …
 * @param looseMembers operators and support functions of the family no class of it lists, as ADD clauses
 *                     ({@code OPERATOR 1 app.=~=(text,text)}, {@code FUNCTION 1 (text, text) app.h(text)})
 * @param implied      a class of the same name and schema is in it: creating the class creates the family
 */
public record OperatorFamily(String schema, String name, String method, List<String> looseMembers, boolean implied,
                             Optional<String> comment) {
    public OperatorFamily {
        looseMembers = List.copyOf(looseMembers);
    }
}
