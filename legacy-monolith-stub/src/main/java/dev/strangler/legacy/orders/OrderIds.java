package dev.strangler.legacy.orders;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Allocates order ids from the monolith's own sequence. Ids from {@link #FLOOR} upwards belong to orders-service, so
 * the monolith never hands one out.
 */
@Component
public class OrderIds {

    public static final long FLOOR = 1_000_000_000L;

    private final JdbcClient jdbc;

    OrderIds(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long next() {
        long id = jdbc.sql("SELECT NEXT VALUE FOR order_id_seq").query(Long.class).single();
        if (id >= FLOOR) {
            throw new OrderIdSpaceExhaustedException(id);
        }
        return id;
    }

    /** The id {@link #next()} would hand out, without using it up. */
    public long peekNext() {
        return jdbc.sql("""
                        SELECT BASE_VALUE FROM INFORMATION_SCHEMA.SEQUENCES
                        WHERE SEQUENCE_SCHEMA = 'PUBLIC' AND SEQUENCE_NAME = 'ORDER_ID_SEQ'""")
                .query(Long.class).single();
    }
}
