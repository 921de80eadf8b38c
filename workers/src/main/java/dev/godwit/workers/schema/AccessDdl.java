package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.AccessSettings;
import dev.godwit.workers.catalog.DefaultAcl;
import dev.godwit.workers.catalog.ObjectAcl;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Owners and privileges of the objects the script creates, as the task's {@link AccessSettings} say: with
 * {@code ownership: keep}, {@code ALTER … OWNER TO} the source's owner; with {@code privileges: keep}, the grants and
 * revokes that give each object (and each column) the source's ACL ({@link AclText}), and the source's
 * {@code ALTER DEFAULT PRIVILEGES} of the selected schemas and of every schema. They run last
 * ({@link SchemaScript#ACCESS_PHASE}): every earlier statement then runs as the task user owning what it created.
 * Every role named is noted in the script ({@link AccessRoles}) for preflight to look for on the target.
 *
 * <p>With {@code ownership: task-user} the task user stands in for every source owner: the owner's own privileges
 * are the task user's, and the default privileges are altered for the task user's future objects.
 */
final class AccessDdl implements DdlPart {
    private final SourceCatalog catalog;
    private final AccessTargets targets;
    private final AccessSettings settings;

    AccessDdl(SourceCatalog catalog, AccessTargets targets, AccessSettings settings) {
        this.catalog = catalog;
        this.targets = targets;
        this.settings = settings;
    }

    @Override
    public void write(ScriptBuilder script) {
        boolean keepOwners = settings.ownership() == AccessSettings.Ownership.KEEP;
        boolean keepGrants = settings.privileges() == AccessSettings.Privileges.KEEP;
        List<Statement> owners = new ArrayList<>();
        List<Statement> grants = new ArrayList<>();
        for (ObjectAcl acl : catalog.objects().access().objects()) {
            Optional<AccessTarget> found = targets.of(acl, script);
            if (found.isEmpty()) {
                continue;
            }
            AccessTarget target = found.get();
            if (keepOwners) {
                script.ownedBy(acl.owner());
                target.alterOwner().ifPresent(alter -> owners.add(new Statement("owner of " + target.on(),
                        alter + " OWNER TO " + SqlText.identifier(acl.owner()))));
            }
            if (keepGrants) {
                UnaryOperator<String> privilege = p -> target.column()
                        .map(c -> p + " (" + SqlText.identifier(c) + ")").orElse(p);
                new AclText("", target.on(), acl.owner(), ownerSpec(acl.owner(), keepOwners), privilege)
                        .statements(acl.granted(), acl.defaults(), script::grantsTo)
                        .forEach(sql -> grants.add(new Statement("privileges on " + target.on()
                                + target.column().map(c -> " (" + c + ")").orElse(""), sql)));
            }
        }
        if (keepGrants) {
            for (DefaultAcl d : catalog.objects().access().defaultPrivileges()) {
                defaultPrivileges(d, keepOwners, script).forEach(grants::add);
            }
        }
        owners.addAll(grants);
        script.group("privileges and ownership", SchemaScript.ACCESS_PHASE, owners);
    }

    /** The statements of one ALTER DEFAULT PRIVILEGES; none for a schema the script does not create. */
    private List<Statement> defaultPrivileges(DefaultAcl d, boolean keepOwners, ScriptBuilder script) {
        Optional<String> schema = Optional.empty();
        if (d.schema().isPresent()) {
            schema = targets.schema(d.schema().get(), script);
            if (schema.isEmpty()) {
                return List.of();
            }
        }
        String on = switch (d.objectType()) {
            case "r" -> "TABLES";
            case "S" -> "SEQUENCES";
            case "f" -> "FUNCTIONS";
            case "T" -> "TYPES";
            case "n" -> "SCHEMAS";
            default -> "";
        };
        if (on.isEmpty()) {
            script.warn("default privileges of role " + d.role() + " for objects of type '" + d.objectType()
                    + "' are not carried: godwit does not know that kind");
            return List.of();
        }
        if (keepOwners) {
            script.ownedBy(d.role());
        }
        String prefix = "ALTER DEFAULT PRIVILEGES " + (keepOwners ? "FOR ROLE " + SqlText.identifier(d.role()) + " " : "")
                + schema.map(s -> "IN SCHEMA " + SqlText.identifier(s) + " ").orElse("");
        String description = "default privileges of " + (keepOwners ? d.role() : "the task user") + " on " + on
                + schema.map(s -> " in " + s).orElse("");
        return new AclText(prefix, on, d.role(), ownerSpec(d.role(), keepOwners), UnaryOperator.identity())
                .statements(d.granted(), d.defaults(), script::grantsTo).stream()
                .map(sql -> new Statement(description, sql)).toList();
    }

    /** The target owner of what the source role owned: that role, or the task user who runs the script. */
    private static String ownerSpec(String sourceOwner, boolean keepOwners) {
        return keepOwners ? SqlText.identifier(sourceOwner) : "CURRENT_USER";
    }
}
