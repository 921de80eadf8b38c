package dev.godwit.workers.catalog;

import java.util.List;

/** Who owns each object of the user schemas and who may use it, and the default privileges of future objects. */
public record AccessControl(List<ObjectAcl> objects, List<DefaultAcl> defaultPrivileges) {

    public AccessControl {
        objects = List.copyOf(objects);
        defaultPrivileges = List.copyOf(defaultPrivileges);
    }

    public static AccessControl none() {
        return new AccessControl(List.of(), List.of());
    }
}
