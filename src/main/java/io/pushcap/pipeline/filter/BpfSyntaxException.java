package io.pushcap.pipeline.filter;

import io.pushcap.PushcapException;

/** libpcap refused a filter expression; the message quotes the expression and libpcap's reason. */
public final class BpfSyntaxException extends PushcapException {
    private final String expression;
    private final String reason;

    public BpfSyntaxException(String expression, String reason) {
        super("BPF filter '" + expression + "': " + reason);
        this.expression = expression;
        this.reason = reason;
    }

    public String expression() {
        return expression;
    }

    public String reason() {
        return reason;
    }
}
