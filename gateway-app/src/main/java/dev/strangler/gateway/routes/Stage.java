package dev.strangler.gateway.routes;

/**
 * Where a route is in its migration. The stage carries the settings that only make sense for it,
 * so a canary without a percentage cannot be represented.
 */
public sealed interface Stage permits Stage.Legacy, Stage.Shadow, Stage.Canary, Stage.Migrated {

    String name();

    record Legacy() implements Stage {
        public String name() {
            return "legacy";
        }
    }

    record Migrated() implements Stage {
        public String name() {
            return "migrated";
        }
    }

    record Canary(CanarySpec canary) implements Stage {
        public String name() {
            return "canary";
        }
    }

    record Shadow(ShadowSpec shadow) implements Stage {
        public String name() {
            return "shadow";
        }
    }
}
