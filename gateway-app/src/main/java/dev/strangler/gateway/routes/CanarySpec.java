package dev.strangler.gateway.routes;

/**
 * @param percent share of sticky keys sent to the new backend, 0 to 100 with up to two decimals
 * @param sticky  where the sticky key comes from
 */
public record CanarySpec(double percent, StickyKey sticky) {

    /** Buckets out of 10,000 that go to the new backend. */
    public int bucketLimit() {
        return (int) Math.round(percent * 100);
    }

    public record StickyKey(Source source, String name) {

        public enum Source { HEADER, COOKIE }

        @Override
        public String toString() {
            return source.name().toLowerCase() + ":" + name;
        }
    }
}
