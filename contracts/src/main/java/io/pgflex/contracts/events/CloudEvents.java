package io.pgflex.contracts.events;

/**
 * CloudEvents 1.0 in Kafka binary mode: attributes travel as {@code ce_*} record headers, the data
 * is the record value as JSON, the record key is the server id.
 */
public final class CloudEvents {
    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE_JSON = "application/json";

    public static final String HEADER_ID = "ce_id";
    public static final String HEADER_SOURCE = "ce_source";
    public static final String HEADER_TYPE = "ce_type";
    public static final String HEADER_SPEC_VERSION = "ce_specversion";
    public static final String HEADER_TIME = "ce_time";
    public static final String HEADER_SUBJECT = "ce_subject";
    public static final String HEADER_CONTENT_TYPE = "content-type";
    /** pgflex extension attribute: schema version of the payload. */
    public static final String HEADER_DATA_VERSION = "ce_pgflexdataversion";

    /** Header the dead-letter path adds: why a payload could not be handled. */
    public static final String HEADER_DLQ_REASON = "dead-letter-reason";

    /** ce type of every pgflex event: {@code pgflex.<EventName>}. */
    public static final String TYPE_PREFIX = "pgflex.";

    private CloudEvents() {
    }
}
