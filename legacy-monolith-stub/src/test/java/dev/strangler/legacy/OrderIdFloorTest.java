package dev.strangler.legacy;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.legacy.db.OrderIdFloorReachedException;
import dev.strangler.legacy.support.Http;
import dev.strangler.legacy.support.RunningMonolith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(OutputCaptureExtension.class)
class OrderIdFloorTest {

    @TempDir
    Path dataDir;

    @Test
    void startupRefusesWhenOrderSequenceReachedTheFloor(CapturedOutput output) throws SQLException {
        RunningMonolith.start(dataDir).close();
        restartSequenceAt(1_000_000_000L);

        assertThatThrownBy(() -> RunningMonolith.start(dataDir))
                .isInstanceOf(OrderIdFloorReachedException.class)
                .hasMessageContaining("would hand out 1000000000")
                .hasMessageContaining("belong to orders-service");
        assertThat(output.getOut())
                .contains("APPLICATION FAILED TO START")
                .contains("would hand out id 1000000000")
                .contains("Action:")
                .contains("ALTER SEQUENCE order_id_seq RESTART WITH");
    }

    @Test
    void lastIdBelowTheFloorIsHandedOutAndThenCreationStopsWithProblem() throws SQLException {
        RunningMonolith.start(dataDir).close();
        restartSequenceAt(999_999_999L);

        try (RunningMonolith monolith = RunningMonolith.start(dataDir)) {
            String body = "{\"customerId\":1,\"items\":[{\"productId\":1,\"quantity\":1}]}";
            HttpResponse<String> last = monolith.http().postJson("/api/orders", body);
            assertThat(last.statusCode()).isEqualTo(201);
            assertThat(Http.json(last.body()).get("id").asLong()).isEqualTo(999_999_999L);

            HttpResponse<String> refused = monolith.http().postJson("/api/orders", body);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = Http.json(refused.body());
            assertThat(problem.get("type").asText()).isEqualTo("urn:strangler:problem:order-ids-exhausted");
            assertThat(problem.get("detail").asText()).contains("1000000000");
        }
    }

    private void restartSequenceAt(long next) throws SQLException {
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("legacy");
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER SEQUENCE order_id_seq RESTART WITH " + next);
        }
    }
}
