package dev.strangler.daprdouble.gojson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Go's {@code encoding/json} as daprd uses it on generic values ({@code map[string]interface{}}): decoding without
 * {@code UseNumber} turns every number into a float64, and encoding sorts object keys, escapes HTML characters and
 * writes floats in their shortest form. So {@code 14.00} comes back as {@code 14}, and {@code 1e2} as {@code 100}.
 * With {@code UseNumber} (components-contrib's {@code unmarshalPrecise}) a number keeps its literal form.
 *
 * <p>Values are {@code Map<String, Object>}, {@code List<Object>}, {@link String}, {@link Boolean}, {@code null},
 * {@link Double} (plain decoding) or {@link Literal} (decoding with UseNumber).
 */
public final class GoJson {

    /** A number kept as written, like Go's {@code json.Number}. */
    public record Literal(String text) {
    }

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoJson() {
    }

    /** {@code json.Unmarshal(data, &v)} then {@code json.Marshal(v)}: what the outbox does to each message. */
    public static byte[] reencode(byte[] json) throws GoJsonException {
        return encode(decode(json, false));
    }

    public static Object decode(byte[] json, boolean useNumber) throws GoJsonException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new GoJsonException("unexpected end of JSON input");
            }
            Object value = read(parser, first, useNumber);
            if (parser.nextToken() != null) {
                throw new GoJsonException("invalid character after top-level value");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new GoJsonException(e.getOriginalMessage());
        } catch (IOException e) {
            throw new GoJsonException(e.getMessage());
        }
    }

    public static byte[] encode(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static String encodeToString(Object value) {
        return new String(encode(value), StandardCharsets.UTF_8);
    }

    private static Object read(JsonParser parser, JsonToken token, boolean useNumber) throws IOException, GoJsonException {
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    // Go keeps the last of duplicate keys, as this put does.
                    map.put(name, read(parser, parser.nextToken(), useNumber));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    list.add(read(parser, t, useNumber));
                }
                return list;
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                String text = parser.getText();
                if (useNumber) {
                    return new Literal(text);
                }
                double value = nearestDouble(new BigDecimal(text));
                if (value == 0 && text.startsWith("-")) {
                    value = -0.0;
                }
                if (Double.isInfinite(value)) {
                    throw new GoJsonException("json: cannot unmarshal number " + text + " into Go value of type float64");
                }
                return value;
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new GoJsonException("unexpected token " + token);
        }
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            // encoding/json sorts map keys by their bytes.
            String[] keys = map.keySet().toArray(new String[0]);
            Arrays.sort(keys, GoJson::compareUtf8);
            out.append('{');
            for (int i = 0; i < keys.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                writeString(out, keys[i]);
                out.append(':');
                write(out, ((Map<String, Object>) map).get(keys[i]));
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(out, list.get(i));
            }
            out.append(']');
        } else if (value instanceof String s) {
            writeString(out, s);
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Double d) {
            out.append(formatFloat64(d));
        } else if (value instanceof Literal literal) {
            out.append(literal.text());
        } else {
            throw new IllegalArgumentException("not a Go JSON value: " + value.getClass());
        }
    }

    /** encoding/json's floatEncoder for float64: 'f' format, or 'e' below 1e-6 and from 1e21, shortest digits. */
    static String formatFloat64(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("json: unsupported value: " + d);
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal shortest = shortest(Math.abs(d));
        String sign = d < 0 ? "-" : "";
        double abs = Math.abs(d);
        if (abs < 1e-6 || abs >= 1e21) {
            String digits = shortest.unscaledValue().toString();
            int exponent = digits.length() - 1 - shortest.scale();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            int absExp = Math.abs(exponent);
            // strconv writes at least two exponent digits; encoding/json then trims e-09 to e-9.
            String exp = (exponent < 0 ? "-" : "+") + (absExp < 10 && exponent >= 0 ? "0" + absExp : Integer.toString(absExp));
            return sign + mantissa + "e" + exp;
        }
        return sign + shortest.toPlainString();
    }

    /** The shortest decimal that reads back as {@code d}; of those, the nearest, as strconv's shortest formatting. */
    private static BigDecimal shortest(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (nearestDouble(candidate) == d) {
                return candidate.stripTrailingZeros();
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    /**
     * The float64 nearest to {@code exact}, ties to even, as Go's strconv.ParseFloat finds it. Java 17's
     * Double.parseDouble (and BigDecimal.doubleValue) can be one ulp off for long inputs, so its answer is only a start.
     */
    static double nearestDouble(BigDecimal exact) {
        double start = exact.doubleValue();
        if (Double.isInfinite(start)) {
            return start;
        }
        double best = start;
        BigDecimal bestDistance = exact.subtract(new BigDecimal(start)).abs();
        for (double candidate : new double[] {Math.nextDown(start), Math.nextUp(start)}) {
            if (Double.isInfinite(candidate)) {
                continue;
            }
            int cmp = exact.subtract(new BigDecimal(candidate)).abs().compareTo(bestDistance);
            if (cmp < 0 || (cmp == 0 && (Double.doubleToRawLongBits(candidate) & 1) == 0)) {
                best = candidate;
                bestDistance = exact.subtract(new BigDecimal(candidate)).abs();
            }
        }
        return best;
    }

    /** encodeState.string with escapeHTML: the escapes and the characters Go chooses. */
    private static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> unicodeEscape(out, c);
                default -> {
                    if (c < 0x20) {
                        unicodeEscape(out, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        // Go decodes a lone surrogate escape to U+FFFD and writes that rune as it is.
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
    }

    private static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
