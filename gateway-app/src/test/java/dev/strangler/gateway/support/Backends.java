package dev.strangler.gateway.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.strangler.daprdouble.net.LoopbackPorts;

/**
 * Backends by name, one of each per JVM, for the routes of {@link Gateways}: test classes that name the same backends
 * write the same routes table and so share its gateways. The JVM's exit closes them. A test that counts what a shared
 * backend received counts from what it had before the test, as other classes have used it too.
 */
public final class Backends {

    private static final Map<String, AutoCloseable> RUNNING = new LinkedHashMap<>();
    private static final Map<String, Map<String, String>> CANNED_ANSWERS = new LinkedHashMap<>();

    /** A loopback port nothing listens on, so connections to it are refused. */
    public static final int CLOSED_PORT = LoopbackPorts.free();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Backends::closeAll, "backends-close"));
    }

    private Backends() {
    }

    public static EchoBackend echo(String name) {
        return get("echo:" + name, EchoBackend.class, () -> new EchoBackend(name));
    }

    public static RecordingBackend recording(String name) {
        return get("recording:" + name, RecordingBackend.class, () -> new RecordingBackend(name));
    }

    public static FlakyBackend flaky(String name) {
        return get("flaky:" + name, FlakyBackend.class, FlakyBackend::new);
    }

    /**
     * The canned backend of this name; every class that asks for it must give the same answers, since they share it.
     */
    public static CannedBackend canned(String name, Map<String, String> answers) {
        return canned(name, answers, () -> new CannedBackend(answers));
    }

    /** As {@link #canned}, a backend that closes the connection after each answer ({@link CannedBackend#closingAfterEachAnswer}). */
    public static CannedBackend cannedClosingAfterEachAnswer(String name, Map<String, String> answers) {
        return canned(name, answers, () -> CannedBackend.closingAfterEachAnswer(answers));
    }

    private static synchronized CannedBackend canned(String name, Map<String, String> answers, Supplier<CannedBackend> start) {
        Map<String, String> known = CANNED_ANSWERS.putIfAbsent(name, Map.copyOf(answers));
        if (known != null && !known.equals(answers)) {
            throw new IllegalStateException("canned backend " + name + " already answers " + known.keySet()
                    + "; give a backend with other answers another name");
        }
        return get("canned:" + name, CannedBackend.class, start);
    }

    /** The URL of a backend that refuses every connection. */
    public static String refusing() {
        return "http://127.0.0.1:" + CLOSED_PORT;
    }

    private static synchronized <T extends AutoCloseable> T get(String key, Class<T> type, Supplier<T> start) {
        return type.cast(RUNNING.computeIfAbsent(key, k -> start.get()));
    }

    private static synchronized void closeAll() {
        for (AutoCloseable backend : RUNNING.values()) {
            try {
                backend.close();
            }
            catch (Exception e) {
                // The JVM is exiting; a backend that fails to close goes with it.
            }
        }
        RUNNING.clear();
    }
}
