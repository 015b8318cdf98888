package dev.strangler.system.sync;

import java.time.Duration;

/** Shared bounds of the sync tests, and the canary cohort look-up they share. */
final class SyncTimeouts {

    /** How long deliveries may take to settle on a loaded 2-core machine. */
    static final Duration SETTLE = Duration.ofMinutes(3);

    private static final int MAX_USERS_TRIED = 200;

    private SyncTimeouts() {
    }

    /** A user id the current canary sends to {@code backend}; tries a bounded number of ids. */
    static String userRoutedTo(MigrationEnvironment env, String backend) {
        GatewayClient gateway = env.gatewayClient();
        for (int i = 0; i < MAX_USERS_TRIED; i++) {
            String user = "user-" + i;
            if (gateway.send("GET", "/api/orders?size=1", user, null, null).backend().filter(backend::equals).isPresent()) {
                return user;
            }
        }
        throw new AssertionError("none of " + MAX_USERS_TRIED + " users is routed to " + backend);
    }
}
