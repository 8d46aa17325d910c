package io.pushcap.config;

import io.pushcap.PushcapException;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads pushcap's flow template files with SnakeYAML Engine, then keeps them to a small strict
 * subset: block mappings, block sequences, plain or quoted scalars and flow sequences
 * ({@code [a, b]}). Flow mappings, anchors and aliases, explicit tags, block scalars, several
 * documents and repeated keys are errors naming the file and line, as are SnakeYAML's own syntax
 * errors. Every scalar is kept as its text; callers decide what it means.
 *
 * <p><b>Note:</b> stateless and thread-safe; returns immutable-by-convention node trees.
 */
final class YamlTree {
    private static final Set<Tag> PLAIN_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.SEQ, Tag.MAP);
    private static final String UNSUPPORTED = "YAML flow mappings, anchors, tags and block scalars are not supported";

    /** A parsed node: {@link Scalar}, {@link MapNode} or {@link ListNode}, with its line. */
    sealed interface Node permits Scalar, MapNode, ListNode {
        int line();
    }

    record Scalar(String value, int line) implements Node {
    }

    record MapNode(Map<String, Node> entries, Map<String, Integer> keyLines, int line) implements Node {
    }

    record ListNode(List<Node> items, int line) implements Node {
    }

    private final String file;
    private final String text;

    private YamlTree(String file, String text) {
        this.file = file;
        this.text = text;
    }

    /** Parses a whole file; an empty file is an empty mapping. */
    static Node parse(String file, String text) {
        YamlTree y = new YamlTree(file, text);
        y.checkLines();
        LoadSettings settings = LoadSettings.builder().setLabel(file).setAllowRecursiveKeys(false)
                .setUseMarks(true).build();
        Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text)));
        try {
            Optional<org.snakeyaml.engine.v2.nodes.Node> root = composer.getSingleNode();
            return root.map(y::convert).orElseGet(() -> new MapNode(Map.of(), Map.of(), 1));
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            String problem = e.getProblem() == null ? e.getContext() : e.getProblem();
            throw y.error(mark == null ? 1 : mark.getLine() + 1, "not valid YAML: " + problem);
        } catch (YamlEngineException e) {
            throw new PushcapException(file + ": not valid YAML: " + e.getMessage());
        }
    }

    /** The line-level rules SnakeYAML would word differently or allow: tabs and document markers. */
    private void checkLines() {
        String[] raw = text.split("\r?\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String l = raw[i];
            int indent = 0;
            while (indent < l.length() && l.charAt(indent) == ' ') {
                indent++;
            }
            if (indent < l.length() && l.charAt(indent) == '\t') {
                throw error(i + 1, "tab in indentation (use spaces)");
            }
            if (l.startsWith("---") || l.startsWith("...")) {
                throw error(i + 1, "multiple YAML documents are not supported");
            }
        }
    }

    private Node convert(org.snakeyaml.engine.v2.nodes.Node n) {
        int line = line(n);
        if (n.getAnchor().isPresent() || !PLAIN_TAGS.contains(n.getTag())) {
            throw error(line, "'" + source(n) + "': " + UNSUPPORTED);
        }
        return switch (n) {
            case ScalarNode s -> {
                if (s.getScalarStyle() == ScalarStyle.LITERAL || s.getScalarStyle() == ScalarStyle.FOLDED) {
                    throw error(line, "'" + source(n) + "': " + UNSUPPORTED);
                }
                yield new Scalar(s.getValue(), line);
            }
            case SequenceNode q -> {
                List<Node> items = new ArrayList<>();
                for (org.snakeyaml.engine.v2.nodes.Node item : q.getValue()) {
                    if (isEmpty(item)) {
                        throw error(line(item), "empty list item");
                    }
                    if (q.getFlowStyle() == FlowStyle.FLOW && !(item instanceof ScalarNode)) {
                        throw error(line(item), "'" + source(q) + "': a [flow, list] holds plain values only");
                    }
                    items.add(convert(item));
                }
                yield new ListNode(items, line);
            }
            case MappingNode m -> {
                if (m.getFlowStyle() == FlowStyle.FLOW) {
                    throw error(line, "'" + source(n) + "': " + UNSUPPORTED);
                }
                Map<String, Node> entries = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                for (NodeTuple t : m.getValue()) {
                    int keyLine = line(t.getKeyNode());
                    if (!(t.getKeyNode() instanceof ScalarNode k) || k.getScalarStyle() != ScalarStyle.PLAIN) {
                        throw error(keyLine, "'" + source(t.getKeyNode()) + "' (expected 'key: value')");
                    }
                    String key = k.getValue();
                    if (entries.containsKey(key)) {
                        throw error(keyLine, "key '" + key + "' repeated (first at line " + keyLines.get(key) + ")");
                    }
                    if (isEmpty(t.getValueNode())) {
                        throw error(keyLine, "key '" + key + "' has no value");
                    }
                    entries.put(key, convert(t.getValueNode()));
                    keyLines.put(key, keyLine);
                }
                yield new MapNode(entries, keyLines, line);
            }
            default -> throw error(line, "'" + source(n) + "': " + UNSUPPORTED);
        };
    }

    /** An absent value ({@code key:} or {@code -} with nothing after), as the YAML null of nothing. */
    private static boolean isEmpty(org.snakeyaml.engine.v2.nodes.Node n) {
        return n instanceof ScalarNode s && s.getScalarStyle() == ScalarStyle.PLAIN && s.getValue().isEmpty();
    }

    private static int line(org.snakeyaml.engine.v2.nodes.Node n) {
        return n.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }

    /** The node's text as written, for messages. */
    private String source(org.snakeyaml.engine.v2.nodes.Node n) {
        int start = n.getStartMark().map(Mark::getIndex).orElse(0);
        int end = n.getEndMark().map(Mark::getIndex).orElse(start);
        return start < end && end <= text.length() ? text.substring(start, end).strip() : "";
    }

    private PushcapException error(int line, String what) {
        return new PushcapException(file + ":" + line + ": " + what);
    }
}
