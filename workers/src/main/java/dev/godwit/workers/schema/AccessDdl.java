package dev.godwit.workers.schema;

import dev.godwit.mappings.sql.SqlText;
import dev.godwit.mappings.task.AccessSettings;
import dev.godwit.workers.catalog.DefaultAcl;
import dev.godwit.workers.catalog.ObjectAcl;
import dev.godwit.workers.catalog.SourceCatalog;
import dev.godwit.workers.schema.SchemaScript.Statement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    private record OwnerKey(String schema, String role) {
    }

    /**
     * In the order they can run: schemas' owners and privileges first, since a new owner of an object must be allowed
     * to create in its schema; then the other objects' owners, then their privileges, then default privileges.
     */
    @Override
    public void write(ScriptBuilder script) {
        boolean keepOwners = settings.ownership() == AccessSettings.Ownership.KEEP;
        boolean keepGrants = settings.privileges() == AccessSettings.Privileges.KEEP;
        List<Statement> schemas = new ArrayList<>();
        Map<OwnerKey, List<String>> owners = new LinkedHashMap<>();
        List<Statement> grants = new ArrayList<>();
        for (ObjectAcl acl : catalog.objects().access().objects()) {
            Optional<AccessTarget> found = targets.of(acl, script);
            if (found.isEmpty()) {
                continue;
            }
            AccessTarget target = found.get();
            boolean schema = acl.kind() == ObjectAcl.Kind.SCHEMA;
            if (keepOwners && schema) {
                script.ownsSchema(acl.owner());
                schemas.add(new Statement("owner of " + target.on(), target.alterOwner().orElseThrow()
                        + " OWNER TO " + SqlText.identifier(acl.owner())));
            } else if (keepOwners) {
                script.ownsIn(acl.owner(), target.schema());
                target.alterOwner().ifPresent(alter -> owners.computeIfAbsent(new OwnerKey(target.schema(),
                        acl.owner()), k -> new ArrayList<>()).add(alter + " OWNER TO " + SqlText.identifier(acl.owner())));
            }
            if (keepGrants) {
                UnaryOperator<String> privilege = p -> target.column()
                        .map(c -> p + " (" + SqlText.identifier(c) + ")").orElse(p);
                new AclText("", target.on(), acl.owner(), ownerSpec(acl.owner(), keepOwners), privilege)
                        .statements(acl.granted(), acl.defaults(), script::grantsTo)
                        .forEach(sql -> (schema ? schemas : grants).add(new Statement("privileges on " + target.on()
                                + target.column().map(c -> " (" + c + ")").orElse(""), sql)));
            }
        }
        if (keepGrants) {
            for (DefaultAcl d : catalog.objects().access().defaultPrivileges()) {
                grants.addAll(defaultPrivileges(d, keepOwners, script));
            }
        }
        List<Statement> out = new ArrayList<>(schemas);
        owners.forEach((key, alters) -> out.add(ownerChange(key, alters)));
        out.addAll(grants);
        script.group("privileges and ownership", SchemaScript.ACCESS_PHASE, out);
    }

    /**
     * The owner changes of one role in one schema. PostgreSQL lets a role own an object only where it may create
     * (a superuser is not asked), which the source's role may not (a superuser created the object and gave it
     * away): CREATE on the schema is then granted for the change and taken back, so the schema's privileges end as
     * the source has them. Where the target user may not grant it, preflight says so first.
     */
    private static Statement ownerChange(OwnerKey key, List<String> alters) {
        String role = SqlText.identifier(key.role());
        String schema = SqlText.identifier(key.schema());
        String body = String.join("; ", alters) + ";";
        return new Statement("owners in " + key.schema() + ": " + key.role(), "DO $godwit$ BEGIN IF has_schema_privilege("
                + SqlText.literal(key.role()) + ", " + SqlText.literal(key.schema()) + ", 'CREATE') THEN " + body
                + " ELSE GRANT CREATE ON SCHEMA " + schema + " TO " + role + "; " + body + " REVOKE CREATE ON SCHEMA "
                + schema + " FROM " + role + "; END IF; END $godwit$");
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
