package io.pushcap.flow.ipfix;

/**
 * An information element a template can name: its IANA (enterprise 0) or enterprise-specific
 * identity, abstract type, and the measured value it carries.
 *
 * <p><b>Note:</b> immutable and thread-safe.
 *
 * @param name       canonical name (IANA spelling for IANA elements)
 * @param enterprise Private Enterprise Number, 0 for IANA elements
 * @param id         element id (15 bits)
 * @param type       abstract data type; decides the encoding
 * @param length     default length in bytes
 * @param value      what it carries
 * @param constant   the value when {@code value} is {@link MeasuredValue#CONSTANT}
 */
public record InformationElement(String name, long enterprise, int id, ElementType type, int length,
                                 MeasuredValue value, long constant) {

    static InformationElement iana(String name, int id, ElementType type, MeasuredValue value) {
        return new InformationElement(name, 0, id, type, type.defaultLength(), value, 0);
    }

    public boolean enterpriseSpecific() {
        return enterprise != 0;
    }

    /** Lengths a template may give this element. */
    public boolean allows(int len) {
        return enterpriseSpecific() && value == MeasuredValue.CONSTANT ? len >= 1 && len <= 8
                : type.reducible() ? len >= 1 && len <= length : len == length;
    }
}
