package dev.strangler.gateway.shadow;

import org.springframework.test.context.TestPropertySource;

/**
 * The shadow traffic tests with the direct path off: Spring Cloud Gateway's path copies every request, reads too,
 * and both paths' copies are held to the same tests.
 */
@TestPropertySource(properties = "strangler.direct-path=false")
class ShadowTrafficOnSpringCloudGatewayTest extends ShadowTrafficTest {
}
