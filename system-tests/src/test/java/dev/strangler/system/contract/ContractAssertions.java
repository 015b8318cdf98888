package dev.strangler.system.contract;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on the contract's formats, made on raw JSON text where the parsed value would hide the format. */
final class ContractAssertions {

    static final String PROBLEM_JSON = "application/problem+json";
    static final List<String> ORDER_FIELDS = List.of("id", "customerId", "items", "total", "status", "createdAt", "version");
    static final List<String> ITEM_FIELDS = List.of("productId", "quantity", "unitPrice");
    static final List<String> PAGE_FIELDS = List.of("content", "page", "size", "totalElements", "totalPages");

    private static final Pattern MONEY_FIELD = Pattern.compile("\"(total|unitPrice)\"\\s*:\\s*([^,}\\]]*)");
    private static final Pattern CREATED_AT_FIELD = Pattern.compile("\"createdAt\"\\s*:\\s*([^,}\\]]*)");
    private static final Pattern ID_FIELD = Pattern.compile("\"(id|customerId|productId|version)\"\\s*:\\s*([^,}\\]]*)");

    private ContractAssertions() {
    }

    static void assertJson(ApiResponse response, int status) {
        assertThat(response.status()).as("status of %s", response).isEqualTo(status);
        assertThat(response.contentType()).as("content type of %s", response).startsWith("application/json");
    }

    /** A problem: the status, problem+json, the contract's type, a title and a detail; no stack trace or class name. */
    static JsonNode assertProblem(ApiResponse response, int status, String typeSlug) {
        assertThat(response.status()).as("status of %s", response).isEqualTo(status);
        assertThat(response.contentType()).as("content type of %s", response).startsWith(PROBLEM_JSON);
        JsonNode problem = response.json();
        assertThat(problem.path("type").asText()).as("type of %s", response).isEqualTo("urn:strangler:problem:" + typeSlug);
        assertThat(problem.path("title").asText()).as("title of %s", response).isNotBlank();
        assertThat(problem.path("status").isInt()).as("status field of %s", response).isTrue();
        assertThat(problem.path("status").asInt()).as("status field of %s", response).isEqualTo(status);
        assertThat(problem.path("detail").asText()).as("detail of %s", response).isNotBlank();
        assertThat(response.body()).as("problem body of %s", response)
                .doesNotContainIgnoringCase("exception")
                .doesNotContain("\tat ")
                .doesNotContain("trace")
                .doesNotContain("java.")
                .doesNotContain("org.springframework");
        return problem;
    }

    /** Every money field in the raw text is a JSON number with exactly two decimals; returns how many there were. */
    static int assertMoneyFormat(String rawJson) {
        Matcher money = MONEY_FIELD.matcher(rawJson);
        int count = 0;
        while (money.find()) {
            assertThat(money.group(2)).as("%s in %s", money.group(1), rawJson).matches("\\d+\\.\\d{2}");
            count++;
        }
        return count;
    }

    /** Every createdAt in the raw text is ISO-8601 UTC with exactly three fraction digits. */
    static int assertCreatedAtFormat(String rawJson) {
        Matcher createdAt = CREATED_AT_FIELD.matcher(rawJson);
        int count = 0;
        while (createdAt.find()) {
            assertThat(createdAt.group(1)).as("createdAt in %s", rawJson)
                    .matches("\"\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\"");
            count++;
        }
        return count;
    }

    /** Ids, customer and product ids and versions are bare JSON integers, never strings or decimals. */
    static void assertIntegerIds(String rawJson) {
        Matcher id = ID_FIELD.matcher(rawJson);
        while (id.find()) {
            assertThat(id.group(2)).as("%s in %s", id.group(1), rawJson).matches("\\d+");
        }
    }

    /** The order has exactly the contract's fields, all formats right (checked on its raw JSON), and a total that adds up. */
    static void assertOrderShape(JsonNode order, String rawJson) {
        assertOrderFields(order, rawJson);
        assertMoneyFormat(rawJson);
        assertCreatedAtFormat(rawJson);
        assertIntegerIds(rawJson);
    }

    /** The order has exactly the contract's fields and a total that adds up; formats are checked on raw text elsewhere. */
    static void assertOrderFields(JsonNode order, String rawJson) {
        assertThat(fieldNames(order)).as("order fields in %s", rawJson).containsExactlyInAnyOrderElementsOf(ORDER_FIELDS);
        assertThat(order.get("id").isIntegralNumber()).isTrue();
        assertThat(order.get("customerId").isIntegralNumber()).isTrue();
        assertThat(order.get("version").isIntegralNumber()).isTrue();
        assertThat(order.get("status").asText()).isIn("CREATED", "CANCELLED");
        assertThat(order.get("items").isArray()).isTrue();
        assertThat(order.get("items").size()).isPositive();
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode item : order.get("items")) {
            assertThat(fieldNames(item)).as("item fields in %s", rawJson).containsExactlyInAnyOrderElementsOf(ITEM_FIELDS);
            assertThat(item.get("quantity").isIntegralNumber()).isTrue();
            assertThat(item.get("unitPrice").decimalValue()).isPositive();
            sum = sum.add(item.get("unitPrice").decimalValue().multiply(item.get("quantity").decimalValue()));
        }
        assertThat(order.get("total").decimalValue()).as("total of %s", rawJson).isEqualByComparingTo(sum);
        assertThat(Instant.parse(order.get("createdAt").asText())).isNotNull();
    }

    static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("content").forEach(order -> ids.add(order.get("id").asLong()));
        return ids;
    }
}
