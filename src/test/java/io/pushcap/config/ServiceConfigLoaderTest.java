package io.pushcap.config;

import io.pushcap.testsupport.ServiceFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The service config (etc/pushcap.lua): the shipped one loads here; every mistake is reported at once, with its line. */
class ServiceConfigLoaderTest {
    private static final Path HOME = Path.of(System.getProperty("pushcap.home", ".")).toAbsolutePath();

    @TempDir
    Path dir;
    ServiceFiles files;
    ServiceConfigLoader loader;

    @BeforeEach
    void setUp() throws IOException {
        files = new ServiceFiles(dir);
        files.loader("live", "exec sleep 1000");
        loader = new ServiceConfigLoader(HOME);
    }

    private ServiceConfig load(String body) throws IOException {
        return loader.load(files.service("svc.lua", body));
    }

    private List<String> problems(String body) throws IOException {
        Path f = files.service("svc.lua", body);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.load(f));
        assertThat(e).as("the config is refused").isNotNull();
        return e.problems();
    }

    /** "svc.lua:N: " for the first line of the written config that contains {@code token}. */
    private String at(String token) throws IOException {
        Path f = dir.resolve("svc.lua");
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(token)) {
                return f + ":" + (i + 1) + ": ";
            }
        }
        throw new AssertionError(token + " not in " + f);
    }

    @Test
    void shouldLoadTheShippedServiceConfigWhenValidatedOnThisHost() {
        ServiceConfig c = loader.load(HOME.resolve("etc/pushcap.lua"));
        assertThat(c.http()).isEqualTo(new ServiceConfig.HostPort("127.0.0.1", 9487));
        assertThat(c.ringDir()).isEqualTo(Path.of("/run/pushcap/ram"));
        assertThat(c.ringMount()).isEqualTo("tmpfs");
        assertThat(c.rings()).containsExactly(new ServiceConfig.Ring("pushcap", 256L << 20, null));
        assertThat(c.captures()).extracting(ServiceConfig.Capture::iface, ServiceConfig.Capture::ring)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("default", "pushcap"));
        assertThat(c.recorders()).extracting(ServiceConfig.Recorder::store).containsExactly(Path.of("store"));
        assertThat(c.schedules()).extracting(ServiceConfig.Schedule::name).containsExactly("push_pcap", "push_pcap_eod");
        ServiceConfig.Schedule eod = c.schedules().get(1);
        assertThat(eod.offline()).containsExactly("day");
        assertThat(eod.window()).isNull();
        ServiceConfig.Schedule s = c.schedules().getFirst();
        assertThat(s.name()).isEqualTo("push_pcap");
        assertThat(s.window().always()).isTrue();
        assertThat(s.config()).isEqualTo(Path.of("etc/push_pcap.lua"));
        assertThat(c.stopTimeoutSeconds()).isEqualTo(20);
    }

    @Test
    void shouldReadServeLogSettingsWhenGivenAndDefaultThemWhenNot() throws IOException {
        ServiceConfig d = load("");
        assertThat(d.logFile()).isEqualTo(new ServiceConfig.LogFile("text", 100L << 20, 14));
        ServiceConfig j = load("Service.LogFormat = \"json\"\nService.LogMaxSize = \"10m\"\nService.LogMaxDays = 3\n");
        assertThat(j.logFile()).isEqualTo(new ServiceConfig.LogFile("json", 10L << 20, 3));
        assertThat(problems("Service.LogFormat = \"xml\"\n")).containsExactly(at("LogFormat") + "Service.LogFormat: 'xml'"
                + " (expected \"text\": one dated line per event, or \"json\": one JSON object per line, logback's JsonEncoder)");
    }

    @Test
    void shouldReportEveryProblemWithItsLineWhenTheConfigIsMalformed() throws IOException {
        List<String> p = problems("""
                Service.Htp = "x"
                Service.Ring = {}
                table.insert(Service.Ring, { Name = "r1", Size = "64x" })
                table.insert(Service.Ring, { Name = "r2", Size = "8m" })
                Service.Capture = {}
                table.insert(Service.Capture, { Interface = "lo", Ring = "r3", Vlann = 5 })
                table.insert(Service.Capture, { Name = "a", Interface = "lo", Ring = "r2" })
                table.insert(Service.Capture, { Name = "b", Interface = "lo", Ring = "r2", Snaplen = -1 })
                """);
        assertThat(p).contains(
                at("Service.Htp") + "Service.Htp: unknown key (did you mean Http?); valid keys: Http, StateDir, LogDir,"
                        + " LogFormat, LogMaxSize, LogMaxDays, RingDir, RingMount, StopTimeout, AnalyticsDir, Ring, Capture, Tunnel, Transmit, Recorder, Schedule,"
                        + " FlowExport",
                at("\"64x\"") + "ring 'r1': Size: '64x' (expected a size such as \"256m\", \"1g\", \"512k\" or 65536: the"
                        + " ring file's size, header included)",
                at("Vlann") + "capture 'lo': Vlann: unknown key (did you mean Vlan?); valid keys: Name, Interface, Ring,"
                        + " Vlan, Snaplen, Filter, Buffer, Timeout",
                at("Vlann") + "capture 'lo': Ring: 'r3' is not declared in Service.Ring (did you mean r1?); rings: r1, r2",
                at("Name = \"b\"") + "capture 'b': Ring: 'r2' already has a writer, capture 'a' (a ring has exactly one"
                        + " writer; give each capture its own ring)",
                at("Name = \"b\"") + "capture 'b': Snaplen: -1 (expected a whole number from 1 to 262144: bytes kept per"
                        + " packet)");
        assertThat(p).hasSize(6);
    }

    @Test
    void shouldNameTheInterfaceAndTheOnesThatExistWhenACaptureNamesAMissingOne() throws IOException {
        List<String> p = problems("""
                Service.Ring = {}
                table.insert(Service.Ring, { Name = "r", Size = "8m" })
                Service.Capture = {}
                table.insert(Service.Capture, { Interface = "nosuch0", Ring = "r" })
                """);
        assertThat(p).singleElement().asString()
                .startsWith(at("nosuch0") + "capture 'nosuch0': Interface: 'nosuch0': no such interface")
                .contains("interfaces here: ").contains("lo").endsWith("(see `ip link`)");
    }

    @Test
    void shouldExplainTheRuleWhenAScheduleHasAnInvalidCron() throws IOException {
        List<String> p = problems("""
                Service.Schedule = {}
                table.insert(Service.Schedule, { Name = "unix", Loader = "live", Once = "5 0 * * *" })
                table.insert(Service.Schedule, { Name = "both", Loader = "live", Window = { Start = "0 0 6 * * *", Stop = "0 0 1 * * ?" } })
                table.insert(Service.Schedule, { Name = "range", Loader = "live", Window = { Start = "99 * * * * ?", Stop = "0 * * * * ?" } })
                table.insert(Service.Schedule, { Name = "junk", Loader = "live", Once = "every day" })
                table.insert(Service.Schedule, { Name = "none", Loader = "live" })
                """);
        assertThat(p).hasSize(5);
        assertThat(p.get(0)).startsWith(at("Name = \"unix\"") + "schedule 'unix': Once: '5 0 * * *' has 5 fields, like Unix cron;"
                + " Quartz's start with seconds (try '0 5 0 * * ?'");
        assertThat(p.get(1)).startsWith(at("Name = \"both\"") + "schedule 'both': Window: Start: '0 0 6 * * *': Support for"
                + " specifying both a day-of-week AND a day-of-month parameter is not implemented. (try '0 0 6 * * ?')");
        assertThat(p.get(2)).startsWith(at("Name = \"range\"") + "schedule 'range': Window: Start: '99 * * * * ?': seconds 99 is out"
                + " of range (0-59)");
        assertThat(p.get(3)).startsWith(at("Name = \"junk\"") + "schedule 'junk': Once: 'every day': ");
        assertThat(p.get(4)).startsWith(at("Name = \"none\"") + "schedule 'none': Window: missing (when the loader runs:");
        assertThat(p.subList(0, 4)).allSatisfy(m -> assertThat(m).endsWith("(expected " + CronCheck.SYNTAX + ")"));
    }

    @Test
    void shouldReportTheProblemsOfThePushConfigWhenAScheduleNamesABrokenOne() throws IOException {
        Path push = files.push("broken", "t", "    Spilt = \"x\",\n");
        List<String> p = problems("Service.Schedule = {}\ntable.insert(Service.Schedule, { Loader = \"live\", Config = \""
                + push + "\", Once = \"0 0 1 * * ?\" })\n");
        assertThat(p).singleElement().asString().startsWith(at("Config = ") + "schedule 'live': Config: " + push + ":")
                .contains("target 't': Spilt: unknown key (did you mean Split?)");
    }

    @Test
    void shouldRefuseSchedulesThatWouldShareATargetOrFollowAnUndeclaredRing() throws IOException {
        Path a = files.push("a", "same", "");
        Path b = files.push("b", "same", "    Source = \"other\",\n");
        List<String> p = problems("Service.Ring = {}\ntable.insert(Service.Ring, { Name = \"pushcap\", Size = \"8m\" })\n"
                + "Service.Schedule = {}\n"
                + "table.insert(Service.Schedule, { Name = \"a\", Loader = \"live\", Config = \"" + a + "\", Window = \"always\" })\n"
                + "table.insert(Service.Schedule, { Name = \"b\", Loader = \"live\", Config = \"" + b + "\", Window = \"always\" })\n");
        assertThat(p).containsExactly(
                at("Name = \"b\"") + "schedule 'b': Config: " + b + ": target 'same' is also a target of schedule 'a': the"
                        + " two would share cursors, manifest and logs (give one a different Desc)",
                at("Name = \"b\"") + "schedule 'b': Config: " + b + ": target 'same' follows ring 'other' (its Source),"
                        + " which Service.Ring does not declare (rings: pushcap); declare it, or set the target's Source to one"
                        + " of them");
    }

    @Test
    void shouldAcceptKafkaSourcedSchedulesWhenLiveOrOneShot() throws IOException {
        // A live worker follows a topic (no ring needed); a one-shot pushes a topic as --offline kafka://...
        Path live = files.push("worker", "w", "    Source = \"kafka://k1:9092,k2:9092/packets\", Group = \"workers\",\n"
                + "    KafkaConsumer = { [\"group.instance.id\"] = \"w1\" },\n");
        Path nightly = files.push("nightly", "n", "");
        ServiceConfig c = load("Service.Schedule = {}\n"
                + "table.insert(Service.Schedule, { Name = \"w\", Loader = \"live\", Config = \"" + live + "\", Window = \"always\" })\n"
                + "table.insert(Service.Schedule, { Name = \"n\", Loader = \"live\", Config = \"" + nightly
                + "\", Once = \"0 5 0 * * ?\", Offline = { \"kafka://k1:9092/packets\" } })\n");
        assertThat(c.schedules()).extracting(ServiceConfig.Schedule::name).containsExactly("w", "n");
        assertThat(c.schedules().get(1).offline()).containsExactly("kafka://k1:9092/packets");
    }

    @Test
    void shouldCheckTunnelsAndTransmitsWithTheTapModulesRulesWhenTheyAreDeclared() throws IOException {
        List<String> p = problems("""
                Service.Ring = {}
                table.insert(Service.Ring, { Name = "r", Size = "2m" })
                table.insert(Service.Ring, { Name = "q", Size = "2m" })
                Service.Tunnel = {}
                table.insert(Service.Tunnel, { Name = "bad", Encap = "gre6", Ring = "r" })
                table.insert(Service.Tunnel, { Name = "er", Encap = "erspan", Key = 5000, Ring = "q" })
                Service.Transmit = {}
                table.insert(Service.Transmit, { Name = "plain", Ring = "r", Interface = "lo", Key = 7 })
                table.insert(Service.Transmit, { Name = "nowhere", Ring = "r" })
                """);
        assertThat(p).containsExactly(
                at("\"bad\"") + "tunnel 'bad': Encap 'gre6': unknown tunnel 'gre6' (expected gretap[:IP], gre[:IP], erspan[:IP]"
                        + " or vxlan[:IP][:PORT])",
                at("\"er\"") + "tunnel 'er': Key 5000 is out of range for erspan: the ERSPAN session ID is 0..1023 (10 bits)",
                at("\"plain\"") + "transmit 'plain': Key: '7' needs an Encap (the key of a GRE, ERSPAN or VXLAN tunnel)",
                at("\"nowhere\"") + "transmit 'nowhere': give Interface IFACE to re-transmit out of a NIC, or Encap gretap:IP,"
                        + " gre:IP, erspan:IP, erspan3:IP or vxlan:IP[:PORT] to send through a tunnel");
    }

    @Test
    void shouldReadEveryWindowFormWhenSchedulesAreValid() throws IOException {
        ServiceConfig c = load("""
                Service.Schedule = {}
                table.insert(Service.Schedule, { Name = "always", Loader = "live", Window = "always" })
                table.insert(Service.Schedule, { Name = "day", Loader = "live", Window = "06:00-01:30" })
                table.insert(Service.Schedule, { Name = "cron", Loader = "live", Window = { Start = "0/10 * * * * ?", Stop = "5/10 * * * * ?" } })
                table.insert(Service.Schedule, { Name = "eod", Loader = "live", Once = "0 5 0 * * ?", Offline = { "in/${DAY}" }, Args = "-v" })
                table.insert(Service.Schedule, { Name = "off", Loader = "live", Window = "always", Enabled = false })
                """);
        assertThat(c.schedules()).extracting(ServiceConfig.Schedule::name).containsExactly("always", "day", "cron", "eod");
        assertThat(c.schedules().get(0).window()).isEqualTo(ServiceConfig.Window.ALWAYS);
        assertThat(c.schedules().get(1).window()).isEqualTo(new ServiceConfig.Window("0 0 6 * * ?", "0 30 1 * * ?", "06:00-01:30"));
        assertThat(c.schedules().get(2).window().start()).isEqualTo("0/10 * * * * ?");
        ServiceConfig.Schedule eod = c.schedules().get(3);
        assertThat(eod.once()).isEqualTo("0 5 0 * * ?");
        assertThat(eod.offline()).containsExactly("in/${DAY}");
        assertThat(eod.args()).containsExactly("-v");
        assertThat(eod.loader()).isEqualTo(dir.resolve("analytics/live"));
    }

    @Test
    void shouldPointAtTheLineWhenTheScriptFailsOrReturnsNoTable() throws IOException {
        Path f = dir.resolve("x.lua");
        Files.writeString(f, "local Service = {}\nService.Ring = {\n");
        assertThatThrownBy(() -> loader.load(f)).isInstanceOf(ConfigException.class).hasMessageStartingWith(f + ":3:");
        Files.writeString(f, "local Service = {}\n");
        assertThatThrownBy(() -> loader.load(f)).hasMessage(f + ": the script must end with 'return Service' (a table),"
                + " but it returned nil");
    }
}
