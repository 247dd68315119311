package dev.baton.core.security;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EgressPolicyTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "127.0.0.1, LOOPBACK", "127.255.0.9, LOOPBACK", "::1, LOOPBACK",
            "10.1.2.3, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE", "192.168.1.1, PRIVATE",
            "fd12:3456::1, PRIVATE", "fc00::1, PRIVATE", "fec0::1, PRIVATE",
            "169.254.1.1, LINK_LOCAL", "fe80::1, LINK_LOCAL",
            "169.254.169.254, CLOUD_METADATA", "169.254.170.2, CLOUD_METADATA", "fd00:ec2::254, CLOUD_METADATA",
            "100.100.100.200, CLOUD_METADATA",
            "100.64.0.1, SHARED", "100.127.255.255, SHARED",
            "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED", "::, UNSPECIFIED",
            "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST", "ff02::1, MULTICAST",
            "255.255.255.255, BROADCAST", "240.0.0.1, RESERVED",
            "8.8.8.8, PUBLIC", "172.32.0.1, PUBLIC", "100.128.0.1, PUBLIC", "172.15.255.255, PUBLIC",
            "2606:4700::1111, PUBLIC", "192.169.0.1, PUBLIC",
            "168.63.129.16, CLOUD_METADATA", "fd20:ce::254, CLOUD_METADATA",
            "192.0.0.8, RESERVED", "192.0.2.1, RESERVED", "198.18.0.1, RESERVED", "198.19.255.255, RESERVED",
            "198.51.100.7, RESERVED", "203.0.113.7, RESERVED", "::2, RESERVED", "::0.0.0.255, RESERVED",
            "64:ff9b:1::a9fe:a9fe, RESERVED", "2001::1, RESERVED", "2001:0:4136:e378:8000:63bf:3fff:fdd2, RESERVED",
            "100::1, RESERVED", "2001:db8::1, RESERVED", "2001:2::1, RESERVED", "3fff::1, RESERVED",
            "198.20.0.1, PUBLIC", "192.0.3.1, PUBLIC", "2001:4860:4860::8888, PUBLIC", "2001:200::1, PUBLIC",
    })
    void classifies_addresses_by_range(String literal, AddressClass expected) throws Exception {
        assertThat(EgressPolicy.classify(EgressPolicy.normalise(InetAddress.getByName(literal)))).isEqualTo(expected);
        assertThat(EgressPolicy.DEFAULT.check("h", InetAddress.getByName(literal)).allowed())
                .isEqualTo(expected == AddressClass.PUBLIC);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"::ffff:127.0.0.1", "::127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1",
            "::ffff:7f00:1"})
    void ipv6_addresses_carrying_ipv4_are_checked_as_that_ipv4(String literal) throws Exception {
        InetAddress address = InetAddress.getByAddress(InetAddress.getByName(literal).getAddress());
        EgressDecision decision = EgressPolicy.DEFAULT.check("x", address);
        assertThat(decision.allowed()).isFalse();
        assertThat(decision.addressClass()).isEqualTo(AddressClass.LOOPBACK);
        assertThat(decision.address().getHostAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void ipv4_mapped_metadata_is_still_metadata() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 169, (byte) 254, (byte) 169,
                (byte) 254};
        assertThat(EgressPolicy.DEFAULT.check("x", InetAddress.getByAddress(mapped)).addressClass())
                .isEqualTo(AddressClass.CLOUD_METADATA);
    }

    @Test
    void allow_list_opens_ranges_addresses_and_host_names() throws Exception {
        EgressPolicy policy = EgressPolicy.of(true, List.of("10.0.0.0/8", "::1", "internal.corp", "*.svc.local"),
                List.of());
        assertThat(policy.check("a", ip("10.9.8.7")).allowed()).isTrue();
        assertThat(policy.check("a", ip("10.9.8.7")).reason()).isEqualTo("allow-listed by 10.0.0.0/8");
        assertThat(policy.check("a", ip("::1")).allowed()).isTrue();
        assertThat(policy.check("a", ip("192.168.0.1")).allowed()).isFalse();
        assertThat(policy.check("INTERNAL.corp.", ip("192.168.0.1")).allowed()).isTrue();
        assertThat(policy.check("db.svc.local", ip("172.16.0.5")).allowed()).isTrue();
        assertThat(policy.check("svc.local", ip("172.16.0.5")).allowed()).isFalse();
        assertThat(policy.check("evilsvc.local", ip("172.16.0.5")).allowed()).isFalse();
    }

    @Test
    void an_allowed_host_name_never_reaches_cloud_metadata_but_an_allowed_range_does() throws Exception {
        EgressPolicy byName = EgressPolicy.of(true, List.of("internal.corp"), List.of());
        assertThat(byName.check("internal.corp", ip("169.254.169.254")).allowed()).isFalse();
        EgressPolicy byRange = EgressPolicy.of(true, List.of("169.254.169.254/32"), List.of());
        assertThat(byRange.check("x", ip("169.254.169.254")).allowed()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"169.254.0.0/16", "0.0.0.0/0", "168.63.0.0/16", "fd00::/8", "::/0"})
    void a_wider_allowed_block_does_not_open_the_metadata_addresses_inside_it(String block) throws Exception {
        EgressPolicy policy = EgressPolicy.of(true, List.of(block), List.of());
        for (String metadata : List.of("169.254.169.254", "168.63.129.16", "fd00:ec2::254", "fd20:ce::254")) {
            EgressDecision decision = policy.check("x", ip(metadata));
            if (AddressRange.parse(block).contains(decision.address())) {
                assertThat(decision.allowed()).as(metadata).isFalse();
                assertThat(decision.addressClass()).isEqualTo(AddressClass.CLOUD_METADATA);
            }
        }
        assertThat(EgressPolicy.of(true, List.of("169.254.0.0/16"), List.of()).check("x", ip("169.254.1.1"))
                .allowed()).isTrue();
        assertThat(EgressPolicy.of(true, List.of("169.254.0.0/16", "169.254.169.254"), List.of())
                .check("x", ip("169.254.169.254")).allowed()).isTrue();
        assertThat(EgressPolicy.of(true, List.of("fd20:ce::254/128"), List.of()).check("x", ip("fd20:ce::254"))
                .allowed()).isTrue();
    }

    @Test
    void an_allowed_host_name_never_reaches_the_ipv6_metadata_of_gcp() throws Exception {
        assertThat(EgressPolicy.of(true, List.of("internal.corp"), List.of()).check("internal.corp",
                ip("fd20:ce::254")).allowed()).isFalse();
    }

    @Test
    void metadata_host_names_are_denied_whatever_they_resolve_to() throws Exception {
        EgressDecision decision = EgressPolicy.DEFAULT.check("Metadata.Google.Internal", ip("8.8.8.8"));
        assertThat(decision.allowed()).isFalse();
        assertThat(decision.addressClass()).isEqualTo(AddressClass.CLOUD_METADATA);
        assertThat(EgressPolicy.denied(decision).getMessage()).isEqualTo("egress denied: Metadata.Google.Internal "
                + "(8.8.8.8) is a cloud metadata address (a cloud metadata host name, never reachable)");
    }

    @Test
    void the_deny_list_wins_over_the_allow_list_and_over_public_addresses() throws Exception {
        EgressPolicy policy = EgressPolicy.of(true, List.of("10.0.0.0/8", "api.corp"),
                List.of("10.1.0.0/16", "8.8.8.8", "blocked.example.com"));
        assertThat(policy.check("a", ip("10.1.2.3")).allowed()).isFalse();
        assertThat(policy.check("a", ip("10.2.2.3")).allowed()).isTrue();
        assertThat(policy.check("a", ip("8.8.8.8")).allowed()).isFalse();
        assertThat(policy.check("blocked.example.com", ip("1.1.1.1")).allowed()).isFalse();
        assertThat(policy.check("api.corp", ip("10.1.0.1")).allowed()).isFalse();
    }

    @Test
    void a_disabled_policy_allows_everything() throws Exception {
        assertThat(EgressPolicy.DISABLED.check("metadata.google.internal", ip("169.254.169.254")).allowed()).isTrue();
    }

    @Test
    void permitted_keeps_only_the_allowed_addresses_of_one_resolution() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        HostResolver resolver = host -> {
            lookups.incrementAndGet();
            return List.of(ip("127.0.0.1"), ip("93.184.215.14"), ip("10.0.0.1"));
        };
        assertThat(EgressPolicy.DEFAULT.permitted("mixed.example", resolver)).containsExactly(ip("93.184.215.14"));
        assertThat(lookups).hasValue(1);
    }

    @Test
    void permitted_refuses_a_host_with_no_allowed_address_naming_host_address_and_class() {
        HostResolver resolver = host -> List.of(ip("169.254.169.254"));
        assertThatThrownBy(() -> EgressPolicy.DEFAULT.permitted("rebind.example", resolver))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.EGRESS_DENIED);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).isEqualTo("egress denied: rebind.example (169.254.169.254) is a "
                            + "cloud metadata address, which the egress policy does not allow; add the host or its "
                            + "range to security.egress.allow to reach it");
                });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"10.0.0.5,93.184.215.14", "93.184.215.14,169.254.169.254", "93.184.215.14,::1"})
    void require_all_refuses_an_answer_with_any_refused_address(String answer) throws Exception {
        HostResolver resolver = host -> java.util.Arrays.stream(answer.split(",")).map(EgressPolicyTest::ip).toList();
        assertThat(EgressPolicy.DEFAULT.permitted("mixed.example", resolver)).containsExactly(ip("93.184.215.14"));
        assertThatThrownBy(() -> EgressPolicy.DEFAULT.requireAll("mixed.example", resolver))
                .isInstanceOfSatisfying(BatonException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.EGRESS_DENIED);
                    assertThat(e.getMessage()).startsWith("egress denied: mixed.example (");
                });
    }

    @Test
    void require_all_returns_every_address_when_all_are_allowed() throws Exception {
        HostResolver resolver = host -> List.of(ip("93.184.215.14"), ip("10.0.0.5"));
        assertThat(EgressPolicy.DEFAULT.allowing("10.0.0.0/8").requireAll("[llm.example]", resolver))
                .containsExactly(ip("93.184.215.14"), ip("10.0.0.5"));
        assertThatThrownBy(() -> EgressPolicy.DEFAULT.requireAll("nx.example", host -> List.of()))
                .isInstanceOf(UnknownHostException.class);
    }

    @Test
    void literals_are_checked_without_a_lookup() throws Exception {
        HostResolver none = host -> {
            throw new AssertionError("looked up " + host);
        };
        assertThatThrownBy(() -> EgressPolicy.DEFAULT.permitted("127.0.0.1", none))
                .hasMessageStartingWith("egress denied: 127.0.0.1 is a loopback address");
        assertThatThrownBy(() -> EgressPolicy.DEFAULT.permitted("[::ffff:a9fe:a9fe]", none))
                .hasMessageContaining("cloud metadata");
        assertThat(EgressPolicy.DEFAULT.allowing("127.0.0.0/8").permitted("127.0.0.1", none))
                .containsExactly(ip("127.0.0.1"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"2130706433", "127.1", "[::ffff:127.0.0.1]", "[::]", "0.0.0.0"})
    void other_spellings_of_local_addresses_are_judged_by_the_address_they_resolve_to(String host) {
        // the JDK parses these without a lookup, and the connection would go where it parses them to
        assertThatThrownBy(() -> EgressPolicy.DEFAULT.permitted(host, HostResolver.SYSTEM))
                .isInstanceOfSatisfying(BatonException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.EGRESS_DENIED));
    }

    @Test
    void unknown_hosts_propagate_as_unknown_host() {
        HostResolver nx = host -> {
            throw new UnknownHostException(host);
        };
        assertThatThrownBy(() -> EgressPolicy.DEFAULT.permitted("nx.example", nx))
                .isInstanceOf(UnknownHostException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.1/8", "10.0.0.0/x", "not a host", "*.", "fe80::/129", "",
            "300.1.1.1"})
    void bad_entries_are_refused_naming_them(String entry) {
        assertThatThrownBy(() -> EgressPolicy.of(true, List.of(entry), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(entry.isEmpty() ? "''" : entry);
    }

    @Test
    void ranges_match_by_prefix() {
        AddressRange range = AddressRange.parse("172.16.0.0/12");
        assertThat(range.contains(ip("172.31.1.1"))).isTrue();
        assertThat(range.contains(ip("172.32.1.1"))).isFalse();
        assertThat(range.contains(ip("::1"))).isFalse();
        assertThat(AddressRange.parse("0.0.0.0/0").contains(ip("1.2.3.4"))).isTrue();
        assertThat(AddressRange.parse("fe80::/10").contains(ip("febf::1"))).isTrue();
        assertThat(AddressRange.parse("fe80::/10").contains(ip("fec0::1"))).isFalse();
    }

    private static InetAddress ip(String literal) {
        return AddressRange.literal(literal).orElseThrow();
    }
}
