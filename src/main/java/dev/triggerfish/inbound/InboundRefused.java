package dev.triggerfish.inbound;

/**
 * A delivery refused before its payload is read: who sent it is not proven. {@code reason} is the tag
 * it is counted under; {@code header} the header at fault. The message never holds a secret.
 */
public class InboundRefused extends RuntimeException {
    /** Why a delivery is refused: the tag of {@code triggerfish.webhooks.refused}. */
    public enum Reason {
        MISSING_HEADERS("missing_headers"), STALE_TIMESTAMP("stale_timestamp"), BAD_SIGNATURE("bad_signature"),
        BAD_SHARED_SECRET("bad_shared_secret"), REUSED_ID("reused_id");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    private final Reason reason;
    private final String header;

    public InboundRefused(Reason reason, String header, String message) {
        super(message);
        this.reason = reason;
        this.header = header;
    }

    public Reason reason() {
        return reason;
    }

    public String header() {
        return header;
    }
}
