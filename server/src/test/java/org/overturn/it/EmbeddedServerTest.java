package org.overturn.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The server on its embedded PostgreSQL, in a data directory of its own. */
public abstract class EmbeddedServerTest extends ServerTest {
    private static final Path DATA_DIR;

    static {
        try {
            DATA_DIR = Files.createTempDirectory("overturn-it-");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void embedded(DynamicPropertyRegistry registry) {
        registry.add("overturn.data-dir", DATA_DIR::toString);
    }
}
