package dev.triggerfish.dashboard;

import dev.triggerfish.api.ApiProblem;
import dev.triggerfish.api.DatabaseUnavailable;
import dev.triggerfish.api.Problems;
import dev.triggerfish.support.DomainFailure;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders the dashboard's pages, and its failures as a page a person reads: the same status, title and
 * detail the API would answer in problem+json, never a stack trace.
 */
@ApplicationScoped
public class Pages {
    private static final Logger LOG = Logger.getLogger(Pages.class);
    /** Scripts and styles from the service itself only; ECharts sets element styles from script. */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
            + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final Template problem;

    public Pages(@Location("dashboard/problem.html") Template problem) {
        this.problem = problem;
    }

    public Uni<Response> render(int status, TemplateInstance page) {
        return page.createUni()
                .map(html -> Response.status(status)
                        .type("text/html;charset=UTF-8")
                        .header("Cache-Control", "no-store")
                        .header("Content-Security-Policy", POLICY)
                        .header("X-Content-Type-Options", "nosniff")
                        .entity(html)
                        .build());
    }

    /** A failure of a page as a page with the failure's own status. */
    public Uni<Response> failure(Throwable failure) {
        Map<String, Object> described = describe(failure);
        return render((Integer) described.get("status"), problem.data("problem", described));
    }

    /** Status, title and detail of a failure as the API would answer it; an unexpected one is logged and named only "Server error". */
    static Map<String, Object> describe(Throwable failure) {
        ApiProblem answer;
        if (failure instanceof ApiProblem p) {
            answer = p;
        } else if (failure instanceof DomainFailure d) {
            answer = Problems.of(d);
        } else if (DatabaseUnavailable.is(failure)) {
            answer = new ApiProblem(503, "Database unavailable", "the database cannot be reached right now; reload the page in a few seconds");
        } else {
            LOG.error("a dashboard page failed", failure);
            answer = new ApiProblem(500, "Server error", "the page could not be made; the service log says why");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", answer.status());
        out.put("title", answer.title());
        out.put("detail", answer.getMessage());
        return out;
    }
}
