package dev.strangler.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The CIDR ranges of {@code strangler.trusted-proxies}: what each holds, and what is refused at start. */
class AddressRangeTest {

    @ParameterizedTest(name = "{0} holds {1}: {2}")
    @CsvSource({
            "10.0.0.0/8, 10.255.1.2, true",
            "10.0.0.0/8, 11.0.0.1, false",
            "127.0.0.1, 127.0.0.1, true",
            "127.0.0.1, 127.0.0.2, false",
            "127.0.0.2/32, 127.0.0.2, true",
            "192.168.1.77/26, 192.168.1.64, true",
            "192.168.1.77/26, 192.168.1.128, false",
            "0.0.0.0/0, 203.0.113.7, true",
            "0.0.0.0/0, ::1, false",
            "fd00::/8, fd12:3456::1, true",
            "fd00::/8, fe80::1, false",
            "::1, ::1, true",
            "::/0, 10.0.0.1, false" })
    void aRangeHoldsTheAddressesOfItsPrefixAndFamily(String range, String address, boolean holds) throws UnknownHostException {
        assertThat(AddressRange.parse(range).contains(InetAddress.getByName(address))).isEqualTo(holds);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "/8", "10.0.0.0/33", "10.0.0.0/-1", "::/129", "10.0.0.0/x", "localhost", "proxy.internal/24",
            "10.0.0.0/8/8", "10.0.0.256/32", "10.0.0.0 /8", "10.0.0/8", "10.0.0.0.1", "10.0.0.1e", "fd00::zz/8", ":::/8",
            "[::1]" })
    void aRangeThatIsNotCidrNotationIsRefusedWithWhatToWrite(String range) {
        assertThatThrownBy(() -> AddressRange.parse(range)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strangler.trusted-proxies: '" + range + "' is not an address range")
                .hasMessageContaining("10.0.0.0/8");
    }
}
