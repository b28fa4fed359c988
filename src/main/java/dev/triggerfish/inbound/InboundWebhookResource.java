package dev.triggerfish.inbound;

import dev.triggerfish.api.AuthenticatedBySender;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code POST /api/webhooks/{source}}: a delivery from a named source, proven by its Standard Webhooks
 * signature (or its shared secret), not by an API key. 202 once its event is durable; 200 for a resend
 * of a {@code webhook-id} already received (nothing new is stored).
 */
@Path("/api/webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class InboundWebhookResource {
    private final InboundWebhooks webhooks;

    public InboundWebhookResource(InboundWebhooks webhooks) {
        this.webhooks = webhooks;
    }

    /** The body is taken as bytes: the signature covers them exactly as sent. */
    @POST
    @Path("{source}")
    @Consumes(MediaType.WILDCARD)
    @AuthenticatedBySender
    public Uni<Response> receive(@PathParam("source") String source, @Context HttpHeaders headers, byte[] body) {
        return webhooks.receive(source, headers::getHeaderString, body == null ? new byte[0] : body)
                .map(received -> Response.status(received.duplicate() ? 200 : 202).entity(received.toJson()).build());
    }
}
