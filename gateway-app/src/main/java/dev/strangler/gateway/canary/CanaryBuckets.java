package dev.strangler.gateway.canary;

import java.nio.charset.StandardCharsets;

import org.apache.commons.codec.digest.MurmurHash3;

/**
 * The canary's sticky assignment: murmur3 32-bit (x86, seed 0) of the UTF-8 bytes of
 * {@code routeId + ":" + key}, read as unsigned, modulo 10,000. A key whose bucket is below
 * {@code percent × 100} goes to the new backend, so raising the percentage only ever moves keys
 * from legacy to new, and the same key lands in the same bucket on every replica.
 */
public final class CanaryBuckets {

    public static final int BUCKETS = 10_000;

    private CanaryBuckets() {
    }

    public static int bucket(String routeId, String key) {
        byte[] bytes = (routeId + ":" + key).getBytes(StandardCharsets.UTF_8);
        int hash = MurmurHash3.hash32x86(bytes, 0, bytes.length, 0);
        return (int) (Integer.toUnsignedLong(hash) % BUCKETS);
    }

    public static boolean toNewBackend(String routeId, String key, int bucketLimit) {
        return bucket(routeId, key) < bucketLimit;
    }
}
