package io.pushcap.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets in text meant for people and files: every message, log line, /status field and
 * manifest line goes through {@link #text}. What it hides, replaced by {@value #MASK}:
 * <ul>
 *   <li>the password of URL userinfo ({@code ftp://user:pw@host} becomes {@code ftp://user:***@host};
 *       userinfo without a password, often a token, is hidden whole);</li>
 *   <li>the value of any {@code key=value}, {@code key: 'value'} or {@code "key":"value"} whose key
 *       names a secret: {@code password}, {@code passwd}, {@code pass}, {@code pwd}, {@code secret},
 *       {@code token}, {@code signature}, {@code sig}, {@code credential}, {@code AccessKey},
 *       {@code SecretKey}, {@code api_key} and spellings containing them ({@code X-Amz-Signature},
 *       {@code secret_access_key}, {@code session_token}), as in query strings, rclone connection
 *       strings, option maps and Lua tables;</li>
 *   <li>AWS access key ids ({@code AKIA...}, {@code ASIA...}).</li>
 * </ul>
 * The rest of the text is unchanged, so a message still names the file, target and key.
 *
 * <p><b>Note:</b> stateless and thread-safe. Redaction is for display only: the values used to
 * connect are never redacted. It errs towards hiding: a harmless value under a secret-sounding key
 * is hidden too.
 */
public final class Redact {
    public static final String MASK = "***";

    /** scheme://userinfo@ ; userinfo holds no '[' or ']' (RFC 3986), so "ftp://[user[:password]@]host" in a hint is left alone. */
    private static final Pattern USERINFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/@\\s'\"?#<>\\[\\]]+)@");
    private static final String SECRET_WORD = "(?:secret|passw(?:or)?d|passphrase|token|signature|credential"
            + "|access[_-]?key|api[_-]?key)";
    private static final String KEY = "[A-Za-z0-9_-]*" + SECRET_WORD + "[A-Za-z0-9_-]*|pass|pwd|sig";
    /** {@code key=value}, the value quoted or up to a separator (query strings, rclone remotes, maps, Lua). */
    private static final Pattern SECRET_EQUALS = Pattern.compile("(?i)(?<![A-Za-z0-9_-])(\"?)(" + KEY
            + ")\\1(\\s*=\\s*)(?:'([^']*)'|\"([^\"]*)\"|([^\\s&,;:'\"}\\])]+))");
    /**
     * {@code key: 'value'} and {@code "key":"value"}: only a quoted value, because pushcap's own
     * messages read {@code SecretKey: unknown key} and must stay readable.
     */
    private static final Pattern SECRET_COLON = Pattern.compile("(?i)(?<![A-Za-z0-9_-])(\"?)(" + KEY
            + ")\\1(\\s*:\\s*)(?:'([^']*)'|\"([^\"]*)\")");
    private static final Pattern SECRET_KEY = Pattern.compile("(?i)" + KEY);
    private static final Pattern AWS_KEY_ID = Pattern.compile("\\b(A[KS]IA)[A-Z0-9]{16}\\b");

    private Redact() {
    }

    /** {@code text} with every secret replaced by {@value #MASK}; null stays null. */
    public static String text(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String s = userinfo(text);
        s = keyValues(SECRET_EQUALS, s);
        s = keyValues(SECRET_COLON, s);
        return AWS_KEY_ID.matcher(s).replaceAll("$1" + MASK);
    }

    /** An option map for display: values of secret keys hidden, the others through {@link #text}. */
    public static Map<String, String> options(Map<String, String> options) {
        Map<String, String> out = new LinkedHashMap<>();
        options.forEach((k, v) -> out.put(k, SECRET_KEY.matcher(k).matches() ? MASK : text(v)));
        return out;
    }

    /** A stream that writes {@code out} line by line (at \n or \r), each through {@link #text}. */
    public static PrintStream lines(PrintStream out) {
        return new PrintStream(new LineRedactor(out), true, StandardCharsets.UTF_8);
    }

    private static String userinfo(String text) {
        Matcher m = USERINFO.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder b = new StringBuilder();
        do {
            String info = m.group(2);
            int colon = info.indexOf(':');
            String shown = colon < 0 ? MASK : info.substring(0, colon) + ":" + MASK;
            m.appendReplacement(b, Matcher.quoteReplacement(m.group(1) + shown + "@"));
        } while (m.find());
        m.appendTail(b);
        return b.toString();
    }

    private static String keyValues(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder b = new StringBuilder();
        do {
            String value = m.group(4) != null ? "'" + MASK + "'" : m.group(5) != null ? "\"" + MASK + "\"" : MASK;
            m.appendReplacement(b, Matcher.quoteReplacement(m.group(1) + m.group(2) + m.group(1) + m.group(3) + value));
        } while (m.find());
        m.appendTail(b);
        return b.toString();
    }

    /** Buffers a line, then writes it redacted. */
    private static final class LineRedactor extends OutputStream {
        private final PrintStream out;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineRedactor(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            line.write(b);
            if (b == '\n' || b == '\r') {
                flushLine();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void flush() {
            out.flush();
        }

        @Override
        public synchronized void close() {
            flushLine();
            out.flush();
        }

        private void flushLine() {
            if (line.size() > 0) {
                out.print(text(line.toString(StandardCharsets.UTF_8)));
                line.reset();
            }
        }
    }
}
