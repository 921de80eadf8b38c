package dev.godwit.mappings.task;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An endpoint given on a command line ('godwit worker postgresql://…'): its password never from the URL. */
class EndpointFromUrlTest {

    @Test
    void aUrlWithoutAPasswordTakesItFromPgpassOrTheEnvironment() {
        Endpoint e = Endpoint.fromUrl("postgresql://migrator@db.example:6432/shop?sslmode=verify-full");
        assertEquals("db.example", e.host());
        assertEquals(6432, e.port());
        assertEquals("shop", e.database());
        assertEquals("migrator", e.user());
        assertEquals(Map.of("sslmode", "verify-full"), e.parameters());
        assertInstanceOf(PasswordSource.None.class, e.password());
    }

    @Test
    void aPasswordInTheUrlIsRefusedAndNotRepeated() {
        for (String url : new String[] {"postgresql://migrator:s3cret@db:5432/shop",
                "postgresql://migrator@db:5432/shop?password=s3cret"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.fromUrl(url));
            assertTrue(e.getMessage().contains("~/.pgpass"), e.getMessage());
            assertTrue(!e.getMessage().contains("s3cret"), e.getMessage());
        }
    }

    @Test
    void aMalformedUrlSaysWhatIsWrong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Endpoint.fromUrl("mysql://root@db/shop"));
        assertTrue(e.getMessage().contains("postgresql://"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Endpoint.fromUrl("postgresql://db:5432/shop"));
        assertTrue(e.getMessage().contains("no user"), e.getMessage());
    }
}
