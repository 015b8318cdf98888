package dev.strangler.orders.json;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * Writes instants as ISO-8601 UTC with exactly three fraction digits ({@code 2026-11-25T17:05:02.120Z}). Jackson's
 * default drops trailing zeros and the whole fraction at a full second, which the orders contract forbids.
 */
public final class UtcMillisInstantSerializer extends StdSerializer<Instant> {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public UtcMillisInstantSerializer() {
        super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
        generator.writeString(FORMAT.format(value));
    }
}
