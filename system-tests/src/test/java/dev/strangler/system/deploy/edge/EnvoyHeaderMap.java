package dev.strangler.system.deploy.edge;

import io.roastedroot.proxywasm.WasmException;
import io.roastedroot.proxywasm.internal.ProxyMap;
import io.roastedroot.proxywasm.internal.WasmResult;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A header map that answers the proxy-wasm host calls as Envoy's does (source/extensions/common/wasm/context.cc
 * on Http::HeaderMap): names are lower-cased ({@code LowerCaseString}) on every call; {@code get} returns the first
 * value; {@code replace} ({@code setCopy}) changes the first value or adds one; {@code remove} drops every value;
 * pairs come back in insertion order. The Java host's own map is case-sensitive and its {@code put} drops every value,
 * which would let a module pass here that fails in Envoy.
 *
 * <p>{@link #failOn} makes one operation fail the way Envoy fails a call on a map it cannot reach (BadArgument).
 */
public final class EnvoyHeaderMap implements ProxyMap {

    /** The header-map operations a case can make fail (the names of the Lua header-map methods). */
    public enum Operation { GET, ADD, REPLACE, REMOVE }

    private final List<Map.Entry<String, String>> entries = new ArrayList<>();
    private Operation failing;

    public EnvoyHeaderMap(List<Map.Entry<String, String>> headers) {
        headers.forEach(h -> entries.add(entry(h.getKey(), h.getValue())));
    }

    public void failOn(Operation operation) {
        this.failing = operation;
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public void add(String key, String value) {
        failIf(Operation.ADD);
        entries.add(entry(key, value));
    }

    @Override
    public void put(String key, String value) {
        failIf(Operation.REPLACE);
        String name = lower(key);
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).getKey().equals(name)) {
                entries.set(i, entry(name, value));
                return;
            }
        }
        entries.add(entry(name, value));
    }

    @Override
    public Iterable<? extends Map.Entry<String, String>> entries() {
        return List.copyOf(entries);
    }

    @Override
    public String get(String key) {
        failIf(Operation.GET);
        String name = lower(key);
        return entries.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    @Override
    public void remove(String key) {
        failIf(Operation.REMOVE);
        String name = lower(key);
        entries.removeIf(e -> e.getKey().equals(name));
    }

    /** Every value of a name, in order. */
    public List<String> values(String key) {
        String name = lower(key);
        return entries.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).toList();
    }

    /** What the Lua harness's get() returns: every value joined with a comma, or null. */
    public String joined(String key) {
        List<String> values = values(key);
        return values.isEmpty() ? null : String.join(",", values);
    }

    public List<String> names() {
        return entries.stream().map(Map.Entry::getKey).toList();
    }

    @Override
    public String toString() {
        return entries.toString();
    }

    private void failIf(Operation operation) {
        if (operation == failing) {
            // The host's ABI layer turns a WasmException into the call's status; ProxyMap cannot declare it.
            throw EnvoyHeaderMap.<RuntimeException>sneaky(new WasmException(WasmResult.BAD_ARGUMENT));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }

    private static Map.Entry<String, String> entry(String key, String value) {
        return new AbstractMap.SimpleImmutableEntry<>(lower(key), value);
    }

    /** absl::AsciiStrToLower, as Envoy's LowerCaseString: ASCII letters only. */
    private static String lower(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }
}
