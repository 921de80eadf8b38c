package dev.godwit.workers.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link PgLab}: {@code @ExtendWith(PgExtension.class)} on the class, {@code PgLab lab} as a test
 * method parameter. The servers live in the root store, so every test class of a run shares them; each lab is closed
 * (its databases dropped) when its test ends.
 */
public final class PgExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PgExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PgLab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        PgServers servers = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(PgServers.class, k -> new PgServers(), PgServers.class);
        PgLab lab = new PgLab(servers, context.getDisplayName());
        // stored in the test's own store so that JUnit closes it when the test (or class, for constructors) ends
        context.getStore(NAMESPACE).put(new Object(), lab);
        return lab;
    }
}
