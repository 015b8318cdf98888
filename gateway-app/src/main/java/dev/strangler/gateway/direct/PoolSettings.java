package dev.strangler.gateway.direct;

import java.time.Duration;

import org.springframework.cloud.gateway.config.HttpClientProperties;

/**
 * The limits of the direct path's backend pool, read from the same {@code httpclient.pool.*} settings Spring Cloud
 * Gateway builds its Reactor Netty {@code ConnectionProvider} from (HttpClientFactory.buildConnectionProvider), with
 * the same meaning: an elastic pool has no limit and never waits; a fixed one opens at most {@code maxConnections}
 * per backend address and lets a request wait up to {@code acquireTimeout} for one to free (no wait limit when 0,
 * and no limit on how many wait, as Spring Cloud Gateway sets {@code pendingAcquireMaxCount(-1)}); a disabled one
 * opens a connection per request and never reuses it.
 *
 * @param maxConnections   per backend address over the whole gateway; Integer.MAX_VALUE for no limit
 * @param acquireTimeout   how long a request may wait for a connection to free, or zero for no limit
 * @param maxIdleTime      how long a connection may stay idle before it is closed, or null for no limit
 * @param maxLifeTime      how long a connection may live before it is closed instead of reused, or null for no limit
 * @param evictionInterval how often idle connections past those limits are closed in the background, or zero for
 *                         only when one is picked or given back
 * @param lifo             whether the most recently used idle connection is picked first (LIFO) instead of the one
 *                         idle the longest (FIFO, Reactor Netty's and Spring Cloud Gateway's default)
 * @param metrics          whether the pool's gauges are registered with Micrometer
 * @param name             the pool's name, the {@code name} tag of its gauges
 */
record PoolSettings(HttpClientProperties.Pool.PoolType type, int maxConnections, Duration acquireTimeout, Duration maxIdleTime,
        Duration maxLifeTime, Duration evictionInterval, boolean lifo, boolean metrics, String name) {

    /** An elastic pool with no idle or life limit: what the settings give when none is set. */
    static final PoolSettings ELASTIC = new PoolSettings(HttpClientProperties.Pool.PoolType.ELASTIC, Integer.MAX_VALUE,
            Duration.ZERO, null, null, Duration.ZERO, false, false, "proxy");

    static PoolSettings of(HttpClientProperties.Pool pool) {
        boolean fixed = pool.getType() == HttpClientProperties.Pool.PoolType.FIXED;
        return new PoolSettings(pool.getType(), fixed ? pool.getMaxConnections() : Integer.MAX_VALUE,
                fixed ? Duration.ofMillis(pool.getAcquireTimeout()) : Duration.ZERO, pool.getMaxIdleTime(), pool.getMaxLifeTime(),
                pool.getEvictionInterval() == null ? Duration.ZERO : pool.getEvictionInterval(),
                pool.getLeasingStrategy() == HttpClientProperties.Pool.LeasingStrategy.LIFO, pool.isMetrics(), pool.getName());
    }

    boolean reuses() {
        return type != HttpClientProperties.Pool.PoolType.DISABLED;
    }

    /**
     * The limit of one event loop's pool for one address: the gateway's limit split evenly over the loops, rounded
     * up so that no loop gets none. The whole gateway thus holds at most {@code loops} times this, which is exactly
     * {@code maxConnections} when it is a multiple of the number of loops.
     */
    int perLoop(int loops) {
        if (maxConnections == Integer.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max(1, ((long) maxConnections + loops - 1) / loops);
    }
}
