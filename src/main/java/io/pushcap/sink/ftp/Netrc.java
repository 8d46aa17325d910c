package io.pushcap.sink.ftp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Credentials from a {@code .netrc} file ({@code machine}, {@code login}, {@code password},
 * {@code default}; {@code account} ignored; {@code macdef} bodies skipped), as ftp(1) and curl
 * read it. The file is {@code $NETRC} or {@code ~/.netrc}.
 *
 * <p><b>Note:</b> immutable once parsed. Passwords stay in memory only; nothing here logs them.
 */
public final class Netrc {
    public record Entry(String machine, String login, String password) {
        @Override
        public String toString() {
            return "machine " + machine + " login " + login + " password ***";
        }
    }

    private final List<Entry> entries;

    private Netrc(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Netrc empty() {
        return new Netrc(List.of());
    }

    /** {@code $NETRC}, else {@code ~/.netrc}; empty when neither exists. */
    public static Netrc load(java.util.Map<String, String> env) throws IOException {
        String p = env.get("NETRC");
        Path file = p != null && !p.isBlank() ? Path.of(p) : Path.of(System.getProperty("user.home"), ".netrc");
        return Files.isReadable(file) ? parse(Files.readString(file)) : empty();
    }

    public static Netrc parse(String text) {
        List<Entry> out = new ArrayList<>();
        String machine = null;
        String login = null;
        String password = null;
        String[] lines = text.split("\n", -1);
        List<String> tokens = new ArrayList<>();
        boolean inMacro = false;
        for (String line : lines) {
            if (inMacro) {
                if (line.isBlank()) {
                    inMacro = false;
                }
                continue;
            }
            String[] words = line.trim().split("\\s+");
            for (int i = 0; i < words.length; i++) {
                if (words[i].startsWith("#")) {
                    break;
                }
                if (words[i].equals("macdef")) {
                    inMacro = true;
                    break;
                }
                if (!words[i].isEmpty()) {
                    tokens.add(words[i]);
                }
            }
        }
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            String next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            switch (t) {
                case "machine", "default" -> {
                    if (machine != null) {
                        out.add(new Entry(machine, login, password));
                    }
                    machine = t.equals("default") ? "" : next;
                    login = null;
                    password = null;
                    if (t.equals("machine")) {
                        i++;
                    }
                }
                case "login" -> {
                    login = next;
                    i++;
                }
                case "password" -> {
                    password = next;
                    i++;
                }
                case "account" -> i++;
                default -> {
                    // unknown token: ignored, as ftp(1) does
                }
            }
        }
        if (machine != null) {
            out.add(new Entry(machine, login, password));
        }
        return new Netrc(out);
    }

    /** The entry for {@code host}, else the {@code default} entry. */
    public Optional<Entry> find(String host) {
        for (Entry e : entries) {
            if (e.machine().equalsIgnoreCase(host)) {
                return Optional.of(e);
            }
        }
        return entries.stream().filter(e -> e.machine().isEmpty()).findFirst();
    }
}
