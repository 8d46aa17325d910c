package io.pushcap.sink.tap;

import io.pushcap.PushcapException;
import io.pushcap.cli.Main;
import io.pushcap.config.PushConfigLoader;
import io.pushcap.config.TargetConfig;
import io.pushcap.internal.net.TunnelKey;
import io.pushcap.internal.net.TunnelSpec;
import io.pushcap.internal.net.TunnelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What {@code -E}, {@code -K} and the TAP target keys accept, and the errors for everything
 * else: exit status 2 from the CLI with a message that names the value and what is valid.
 */
class TapOptionsTest {
    @TempDir
    Path dir;

    record Run(int rc, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(args), err.toString());
    }

    private static void assertUserError(String expected, String... args) {
        Run r = run(args);
        assertEquals(2, r.rc(), String.join(" ", args) + ": " + r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void shouldParseEveryTransmitFormWhenSpecIsValid() throws Exception {
        TunnelSpec v = TunnelSpec.parse("-E", "vxlan:10.0.0.2", false);
        assertEquals(TunnelType.VXLAN, v.type());
        assertEquals(InetAddress.getByName("10.0.0.2"), v.address());
        assertEquals(4789, v.port());
        assertEquals(8472, TunnelSpec.parse("-E", "vxlan:10.0.0.2:8472", false).port());
        TunnelSpec v6 = TunnelSpec.parse("-E", "vxlan:[fd00::2]:4790", false);
        assertEquals(InetAddress.getByName("fd00::2"), v6.address());
        assertEquals(4790, v6.port());
        assertEquals(InetAddress.getByName("fd00::2"), TunnelSpec.parse("-E", "gretap:fd00::2", false).address());
        assertEquals(TunnelType.ERSPAN3, TunnelSpec.parse("-E", "ERSPAN3:192.0.2.9", false).type());
        assertEquals(0, TunnelSpec.parse("-E", "gre:192.0.2.9", false).port());
    }

    @Test
    void shouldMakeTheAddressOptionalWhenReceiving() throws Exception {
        TunnelSpec any = TunnelSpec.parse("-E", "gretap", true);
        assertNull(any.address());
        TunnelSpec port = TunnelSpec.parse("-E", "vxlan:8472", true);
        assertNull(port.address());
        assertEquals(8472, port.port());
        TunnelSpec both = TunnelSpec.parse("-E", "vxlan:127.0.0.1:4790", true);
        assertEquals(InetAddress.getByName("127.0.0.1"), both.address());
        assertEquals(4790, both.port());
    }

    @Test
    void shouldNameTheValueAndTheValidFormsWhenSpecIsWrong() {
        PushcapException e = assertThrows(PushcapException.class, () -> TunnelSpec.parse("-E", "geneve:10.0.0.2", false));
        assertEquals("-E 'geneve:10.0.0.2': unknown tunnel 'geneve' (expected gretap:IP, gre:IP, erspan:IP, erspan3:IP"
                + " or vxlan:IP[:PORT])", e.getMessage());
        assertTrue(assertThrows(PushcapException.class, () -> TunnelSpec.parse("-E", "gretap", false)).getMessage()
                .contains("the remote endpoint's address is missing"));
        assertTrue(assertThrows(PushcapException.class, () -> TunnelSpec.parse("-E", "gre:10.0.0.2:4789", false))
                .getMessage().contains("only vxlan takes a port"));
        assertTrue(assertThrows(PushcapException.class, () -> TunnelSpec.parse("-E", "vxlan:10.0.0.2:70000", false))
                .getMessage().contains("port '70000' (expected 1..65535"));
        assertEquals("-E 'vxlan:no-such-host.invalid': cannot resolve 'no-such-host.invalid' (expected an IPv4 or IPv6"
                + " address or a host name that resolves)", assertThrows(PushcapException.class,
                () -> TunnelSpec.parse("-E", "vxlan:no-such-host.invalid", false)).getMessage());
        assertTrue(assertThrows(PushcapException.class, () -> TunnelSpec.parse("-E", "gretap:0.0.0.0", false))
                .getMessage().contains("is not a remote endpoint"));
    }

    @Test
    void shouldAcceptNumbersAndDottedQuadsWithinEachTunnelsKeyRange() {
        assertEquals(42, TunnelKey.parse("-K", "0.0.0.42", TunnelType.GRETAP));
        assertEquals(0xFFFF_FFFFL, TunnelKey.parse("-K", "4294967295", TunnelType.GRE));
        assertEquals(0xFFFF_FFFFL, TunnelKey.parse("-K", "255.255.255.255", TunnelType.GRE));
        assertEquals(16_777_215, TunnelKey.parse("-K", "16777215", TunnelType.VXLAN));
        assertEquals(1023, TunnelKey.parse("-K", "1023", TunnelType.ERSPAN));
        assertEquals("-K 16777216 is out of range for vxlan: the VNI is 0..16777215 (24 bits)",
                assertThrows(PushcapException.class, () -> TunnelKey.parse("-K", "16777216", TunnelType.VXLAN)).getMessage());
        assertEquals("-K 1024 is out of range for erspan: the ERSPAN session ID is 0..1023 (10 bits)",
                assertThrows(PushcapException.class, () -> TunnelKey.parse("-K", "1024", TunnelType.ERSPAN)).getMessage());
        assertEquals("-K '0.0.4.0' (= 1024) is out of range for erspan3: the ERSPAN session ID is 0..1023 (10 bits)",
                assertThrows(PushcapException.class, () -> TunnelKey.parse("-K", "0.0.4.0", TunnelType.ERSPAN3)).getMessage());
        for (String bad : new String[] {"4294967296", "-1", "1.2.3.256", "0x10", "abc", "1.2.3"}) {
            assertTrue(assertThrows(PushcapException.class, () -> TunnelKey.parse("-K", bad, TunnelType.GRE)).getMessage()
                    .contains("(expected a 32-bit number 0..4294967295 or a dotted quad"), bad);
        }
    }

    @Test
    void shouldRefuseCombinationsThatCannotWorkWhenValidating() {
        TunnelSpec gre = TunnelSpec.parse("-E", "gre:10.0.0.2", false);
        TunnelSpec vxlan = TunnelSpec.parse("-E", "vxlan:10.0.0.2", false);
        String[] f = {"-E", "-K", "-i", "-s", "-V", "--strip-vlan"};
        assertTrue(message(new TapOptions("t", null, -1, null, 0, -1, false, 0, false, 64, false), f)
                .contains("give -i IFACE to re-transmit out of a NIC, or -E"));
        assertTrue(message(new TapOptions("t", null, 5, "eth0", 0, -1, false, 0, false, 64, false), f)
                .contains("-K 5 needs a tunnel (-E)"));
        assertTrue(message(new TapOptions("t", gre, -1, null, 0, 100, false, 0, false, 64, false), f)
                .contains("-V 100 has no effect with gre"));
        assertTrue(message(new TapOptions("t", vxlan, -1, "eth0", 0, -1, false, 0, false, 64, false), f)
                .contains("-i eth0 cannot be used with vxlan"));
        assertTrue(message(new TapOptions("t", null, -1, "eth0", 10, -1, false, 0, false, 64, false), f)
                .contains("-s 10 (expected at least 14 bytes"));
        assertTrue(message(new TapOptions("t", null, -1, "eth0", 0, 4096, false, 0, false, 64, false), f)
                .contains("-V 4096 (expected a VLAN ID 0..4095)"));
        assertTrue(message(new TapOptions("t", null, -1, "eth0", 0, -1, false, 0, false, 0, false), f)
                .contains("--batch 0 (expected 1..1024)"));
    }

    private static String message(TapOptions o, String[] flags) {
        return assertThrows(PushcapException.class, () -> o.validate("tx: ", flags)).getMessage();
    }

    @Test
    void shouldExitWithStatus2AndNameTheValueWhenTxInputIsBad() {
        assertUserError("pushcap tx: -E 'foo:1.2.3.4': unknown tunnel 'foo' (expected gretap:IP, gre:IP, erspan:IP,"
                + " erspan3:IP or vxlan:IP[:PORT])", "tx", "-E", "foo:1.2.3.4", "ring");
        assertUserError("-E 'gretap:no-such-host.invalid': cannot resolve 'no-such-host.invalid'",
                "tx", "-E", "gretap:no-such-host.invalid", "ring");
        assertUserError("-K 16777216 is out of range for vxlan: the VNI is 0..16777215 (24 bits)",
                "tx", "-E", "vxlan:127.0.0.1", "-K", "16777216", "ring");
        assertUserError("-K 1024 is out of range for erspan: the ERSPAN session ID is 0..1023 (10 bits)",
                "tx", "-E", "erspan:127.0.0.1", "-K", "1024", "ring");
        assertUserError("give -i IFACE to re-transmit out of a NIC", "tx", "ring");
        assertUserError("no such interface 'no-such-if0' (see `ip link`)", "tx", "-i", "no-such-if0", "--dir", dir.toString(), "ring");
        assertEquals(2, run("tx", "--no-such-option", "ring").rc(), "picocli's usage errors are status 2 too");
    }

    @Test
    void shouldExitWithStatus2AndNameTheValueWhenRxTunnelInputIsBad() {
        assertUserError("-E 'vxlan:x:y:z:w:bad': ", "rx", "-E", "vxlan:x:y:z:w:bad", "ring");
        assertUserError("-E 'ipip': unknown tunnel 'ipip' (expected gretap[:IP], gre[:IP], erspan[:IP] or vxlan[:IP][:PORT])",
                "rx", "-E", "ipip", "ring");
        assertUserError("-K 16777216 is out of range for vxlan", "rx", "-E", "vxlan", "-K", "16777216", "ring");
        assertUserError("-K 7 needs -E", "rx", "-i", "lo", "-K", "7", "ring");
        assertUserError("-E receives a tunnel; it cannot be combined with -r FILE", "rx", "-E", "gretap", "-r", "x.pcap",
                "ring");
    }

    @Test
    void shouldReadTheTargetsKeysWhenModeIsTap() throws IOException {
        TargetConfig vxlan = load("Path = '127.0.0.1', Encap = 'vxlan', Key = 42, Snaplen = 1476, Vlan = 100,");
        TapOptions o = TapOptions.fromTarget(vxlan);
        assertEquals(TunnelType.VXLAN, o.tunnel());
        assertEquals(InetAddress.getByName("127.0.0.1"), o.encap().address());
        assertEquals(4789, o.encap().port());
        assertEquals(42, o.key());
        assertEquals(1476, o.snaplen());
        assertEquals(100, o.vlan());
        assertEquals(800.0, o.maxMbps());
        TapOptions full = TapOptions.fromTarget(load("Path = 'ids', Encap = 'gretap:127.0.0.2', Key = '0.0.1.0', StripVlan = true,"));
        assertEquals(InetAddress.getByName("127.0.0.2"), full.encap().address());
        assertEquals(256, full.key());
        assertTrue(full.stripVlan());
        TapOptions nic = TapOptions.fromTarget(load("Path = 'eth7',"));
        assertNull(nic.encap());
        assertEquals("eth7", nic.iface());
        assertEquals("eth9", TapOptions.fromTarget(load("Path = 'eth7', Interface = 'eth9',")).iface());
    }

    @Test
    void shouldPrefixTheTargetAndKeyWhenTargetOptionsAreWrong() throws IOException {
        assertEquals("target 'tap': Key 16777216 is out of range for vxlan: the VNI is 0..16777215 (24 bits)",
                assertThrows(PushcapException.class, () -> TapOptions.fromTarget(
                        load("Path = '127.0.0.1', Encap = 'vxlan', Key = 16777216,"))).getMessage());
        assertTrue(assertThrows(PushcapException.class, () -> TapOptions.fromTarget(
                load("Path = '127.0.0.1', Encap = 'nvgre',"))).getMessage()
                .startsWith("target 'tap': Encap 'nvgre' with Path 'nvgre:127.0.0.1': unknown tunnel 'nvgre'"));
        assertEquals("target 'tap': Path '10.0.0.3' and Encap 'gretap:10.0.0.2' name different endpoints (give the"
                + " endpoint in one of them)", assertThrows(PushcapException.class, () -> TapOptions.fromTarget(
                load("Path = '10.0.0.3', Encap = 'gretap:10.0.0.2',"))).getMessage());
        assertEquals("target 'tap': Key '5' needs Encap (gretap:IP, gre:IP, erspan:IP, erspan3:IP or vxlan:IP[:PORT])",
                assertThrows(PushcapException.class, () -> TapOptions.fromTarget(load("Path = 'eth0', Key = 5,")))
                        .getMessage());
        assertEquals("target 'tap': Interface eth0 cannot be used with vxlan: VXLAN goes out through an ordinary UDP"
                + " socket, by the route to 127.0.0.1 (see `ip route get 127.0.0.1`)", assertThrows(PushcapException.class,
                () -> TapOptions.fromTarget(load("Path = '127.0.0.1', Encap = 'vxlan', Interface = 'eth0',"))).getMessage());
    }

    private TargetConfig load(String keys) throws IOException {
        Path f = dir.resolve("push_pcap.lua");
        Files.writeString(f, """
                local Config = {}
                Config.Target = {}
                table.insert(Config.Target, { Desc = "tap", Mode = "TAP", MaxMbps = 800, %s })
                return Config
                """.formatted(keys));
        return new PushConfigLoader().load(f).targets().getFirst();
    }
}
