package io.pushcap.service.doctor;

/**
 * One line of {@code pushcap doctor}: what was checked, what was found, and either VALID or what
 * to do about it, as the flow exporter's {@code dependency-check} prints
 * ({@code clang version (expect v10.0.0): v12.0.1 (VALID)}).
 *
 * <p><b>Note:</b> immutable and thread-safe.
 *
 * @param subject what was checked, with the expectation: "JDK (expect 25+)"
 * @param finding what this host has: "25.0.1"
 * @param fix     null when valid, else the action (an exact command where there is one)
 */
public record DoctorCheck(String subject, String finding, String fix) {
    public static DoctorCheck valid(String subject, String finding) {
        return new DoctorCheck(subject, finding, null);
    }

    public static DoctorCheck fix(String subject, String finding, String fix) {
        return new DoctorCheck(subject, finding, fix);
    }

    public boolean valid() {
        return fix == null;
    }

    @Override
    public String toString() {
        return subject + ": " + finding + (fix == null ? " (VALID)" : " -> " + fix);
    }
}
