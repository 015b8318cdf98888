package dev.strangler.system.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the checkout, found from the system-tests module's directory (Maven's {@code basedir}). */
public final class Repo {

    private Repo() {
    }

    public static Path systemTestsDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().normalize();
    }

    public static Path root() {
        return systemTestsDir().getParent();
    }

    /** The executable jar of an app module; fails with the command that builds it when it is missing. */
    public static Path appJar(String module) {
        Path jar = root().resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist. Build the apps first: cd " + root()
                    + " && mvn -B -pl system-tests -am verify");
        }
        return jar;
    }

    /** A directory under system-tests/target for files the tests produce. */
    public static Path target(String first, String... more) {
        return systemTestsDir().resolve("target").resolve(Path.of(first, more));
    }
}
