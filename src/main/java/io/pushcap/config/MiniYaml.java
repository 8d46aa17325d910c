package io.pushcap.config;

import io.pushcap.PushcapException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for the small YAML subset pushcap's flow template files use: block mappings
 * ({@code key: value}), block sequences ({@code - item}, also at the indentation of their key),
 * plain or quoted scalars, one-line flow sequences ({@code [a, b]}) and {@code #} comments.
 * Anything else (tabs, anchors, multi-line scalars, flow mappings) is an error naming the line.
 *
 * <p><b>Note:</b> stateless and thread-safe; returns immutable-by-convention node trees.
 */
final class MiniYaml {

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

    private record Line(int indent, String text, int number) {
    }

    private final String file;
    private final List<Line> lines = new ArrayList<>();
    private int next;

    private MiniYaml(String file, String text) {
        this.file = file;
        String[] raw = text.split("\r?\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String l = stripComment(raw[i]);
            if (l.isBlank()) {
                continue;
            }
            int indent = 0;
            while (indent < l.length() && l.charAt(indent) == ' ') {
                indent++;
            }
            if (l.charAt(indent) == '\t') {
                throw error(i + 1, "tab in indentation (use spaces)");
            }
            if (l.startsWith("---") || l.startsWith("...")) {
                throw error(i + 1, "multiple YAML documents are not supported");
            }
            lines.add(new Line(indent, l.substring(indent).stripTrailing(), i + 1));
        }
    }

    /** Parses a whole file; an empty file is an empty mapping. */
    static Node parse(String file, String text) {
        MiniYaml y = new MiniYaml(file, text);
        if (y.lines.isEmpty()) {
            return new MapNode(Map.of(), Map.of(), 1);
        }
        Line first = y.lines.get(0);
        if (first.indent != 0) {
            throw y.error(first.number, "the first line must not be indented");
        }
        Node n = y.block(0);
        if (y.next < y.lines.size()) {
            Line l = y.lines.get(y.next);
            throw y.error(l.number, "unexpected indentation");
        }
        return n;
    }

    private PushcapException error(int line, String what) {
        return new PushcapException(file + ":" + line + ": " + what);
    }

    private static String stripComment(String l) {
        char quote = 0;
        for (int i = 0; i < l.length(); i++) {
            char c = l.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(l.charAt(i - 1)))) {
                return l.substring(0, i);
            }
        }
        return l;
    }

    private static boolean isItem(String text) {
        return text.equals("-") || text.startsWith("- ");
    }

    /** Index of the ": " (or final ':') that ends a mapping key, or -1 for a plain scalar. */
    private static int keyEnd(String text) {
        if (text.isEmpty() || "\"'[{&*!|>".indexOf(text.charAt(0)) >= 0) {
            return -1; // quoted or special: never a plain key
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ':' && (i + 1 == text.length() || text.charAt(i + 1) == ' ')) {
                return i;
            }
        }
        return -1;
    }

    private Node block(int indent) {
        Line l = lines.get(next);
        return isItem(l.text) ? list(indent) : map(indent);
    }

    private Node map(int indent) {
        Map<String, Node> entries = new LinkedHashMap<>();
        Map<String, Integer> keyLines = new LinkedHashMap<>();
        int startLine = lines.get(next).number;
        while (next < lines.size()) {
            Line l = lines.get(next);
            if (l.indent < indent) {
                break;
            }
            if (l.indent > indent) {
                throw error(l.number, "unexpected indentation");
            }
            if (isItem(l.text)) {
                throw error(l.number, "a list item where a 'key: value' was expected");
            }
            int k = keyEnd(l.text);
            if (k <= 0) {
                throw error(l.number, "'" + l.text + "' (expected 'key: value')");
            }
            String key = l.text.substring(0, k).trim();
            String rest = l.text.substring(k + 1).trim();
            if (entries.containsKey(key)) {
                throw error(l.number, "key '" + key + "' repeated (first at line " + keyLines.get(key) + ")");
            }
            next++;
            Node value;
            if (!rest.isEmpty()) {
                value = scalarOrFlow(rest, l.number);
            } else if (next < lines.size() && (lines.get(next).indent > indent
                    || (lines.get(next).indent == indent && isItem(lines.get(next).text)))) {
                value = block(lines.get(next).indent);
            } else {
                throw error(l.number, "key '" + key + "' has no value");
            }
            entries.put(key, value);
            keyLines.put(key, l.number);
        }
        return new MapNode(entries, keyLines, startLine);
    }

    private Node list(int indent) {
        List<Node> items = new ArrayList<>();
        int startLine = lines.get(next).number;
        while (next < lines.size()) {
            Line l = lines.get(next);
            if (l.indent < indent || (l.indent == indent && !isItem(l.text))) {
                break;
            }
            if (l.indent > indent) {
                throw error(l.number, "unexpected indentation");
            }
            String content = l.text.substring(1);
            int pad = 1;
            while (pad - 1 < content.length() && content.charAt(pad - 1) == ' ') {
                pad++;
            }
            content = content.trim();
            if (content.isEmpty()) {
                next++;
                if (next >= lines.size() || lines.get(next).indent <= indent) {
                    throw error(l.number, "empty list item");
                }
                items.add(block(lines.get(next).indent));
            } else if (keyEnd(content) > 0) {
                // "- key: value" opens a mapping whose keys line up with "key".
                lines.set(next, new Line(indent + pad, content, l.number));
                items.add(map(indent + pad));
            } else {
                next++;
                items.add(scalarOrFlow(content, l.number));
            }
        }
        return new ListNode(items, startLine);
    }

    private Node scalarOrFlow(String text, int line) {
        if (text.startsWith("[")) {
            if (!text.endsWith("]")) {
                throw error(line, "'" + text + "': a [flow, list] must close on the same line");
            }
            List<Node> items = new ArrayList<>();
            String inner = text.substring(1, text.length() - 1).trim();
            if (!inner.isEmpty()) {
                for (String part : inner.split(",", -1)) {
                    if (part.isBlank()) {
                        throw error(line, "'" + text + "': empty item in the list");
                    }
                    items.add(scalar(part.trim(), line));
                }
            }
            return new ListNode(items, line);
        }
        if (text.startsWith("{") || text.startsWith("&") || text.startsWith("*") || text.startsWith("|")
                || text.startsWith(">") || text.startsWith("!")) {
            throw error(line, "'" + text + "': YAML flow mappings, anchors, tags and block scalars are not supported");
        }
        return scalar(text, line);
    }

    private Scalar scalar(String text, int line) {
        if (text.length() >= 2 && (text.charAt(0) == '"' || text.charAt(0) == '\'')) {
            char q = text.charAt(0);
            if (text.charAt(text.length() - 1) != q) {
                throw error(line, "unterminated quote in " + text);
            }
            return new Scalar(text.substring(1, text.length() - 1), line);
        }
        if (text.charAt(0) == '"' || text.charAt(0) == '\'') {
            throw error(line, "unterminated quote in " + text);
        }
        return new Scalar(text, line);
    }
}
