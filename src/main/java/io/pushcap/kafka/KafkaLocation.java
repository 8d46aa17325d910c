package io.pushcap.kafka;

import io.pushcap.PushcapException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kafka://HOST:PORT[,HOST:PORT...]/TOPIC}: the bootstrap servers and the topic of a KAFKA
 * push target's {@code Path} or of a {@code kafka://} source.
 *
 * <p><b>Note:</b> immutable and thread-safe.
 */
public record KafkaLocation(String bootstrap, String topic) {
    public static final String SYNTAX = "kafka://HOST:PORT[,HOST:PORT...]/TOPIC";
    private static final Pattern FORM = Pattern.compile(
            "kafka://([^/,:\\s]+:\\d{1,5}(?:,[^/,:\\s]+:\\d{1,5})*)/([a-zA-Z0-9._-]{1,249})");

    /** True when {@code s} starts like a Kafka URL (a picocli Path keeps one slash: kafka:/host...). */
    public static boolean looksLike(String s) {
        return s.startsWith("kafka:/");
    }

    /**
     * Parses {@code s}; {@code kafka:/HOST...} (a URL that went through a file Path, which folds
     * the double slash) is taken as {@code kafka://HOST...}.
     *
     * @throws PushcapException naming the value and the syntax
     */
    public static KafkaLocation parse(String s) {
        String url = s.startsWith("kafka:/") && !s.startsWith("kafka://") ? "kafka://" + s.substring(7) : s;
        Matcher m = FORM.matcher(url);
        if (!m.matches()) {
            throw new PushcapException("'" + s + "' (expected " + SYNTAX + ", a topic of letters, digits, '.', '_', '-')");
        }
        return new KafkaLocation(m.group(1), m.group(2));
    }

    /** The compacted topic that holds the KAFKA targets' committed cursors. */
    public String cursorTopic() {
        return topic + ".pushcap-cursors";
    }

    @Override
    public String toString() {
        return "kafka://" + bootstrap + "/" + topic;
    }
}
