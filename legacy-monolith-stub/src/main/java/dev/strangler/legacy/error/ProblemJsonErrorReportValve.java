package dev.strangler.legacy.error;

import java.io.IOException;
import java.io.Writer;

import dev.strangler.legacy.web.shutdown.ShutdownGate;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Tomcat rejects some requests before any servlet runs, for example a path holding an encoded slash. Its default
 * report is an HTML page; this one answers such errors as {@code application/problem+json} like the rest of the API.
 *
 * <p>Once shutdown has begun, every such error becomes 503 with {@code Retry-After} and {@code Connection: close},
 * the answer {@link ShutdownGate} gives. Why: while its connector is paused and stopped, Tomcat can reject a request
 * it had begun to read from a kept-alive connection as malformed (seen as a 400 under concurrent writes at SIGTERM).
 * The client sent a valid request that was never processed; a 400 would tell it, and a gateway, not to send it again.
 */
public class ProblemJsonErrorReportValve extends ErrorReportValve {

    private static final String DETAIL = "The server rejected the request before processing it";

    private final ShutdownGate shutdown;

    public ProblemJsonErrorReportValve(ShutdownGate shutdown) {
        this.shutdown = shutdown;
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        if (response.getStatus() < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        ProblemDetail problem;
        if (shutdown.closed()) {
            shutdown.refuse(response);
            problem = ProblemType.SHUTTING_DOWN.toProblem(ShutdownGate.DETAIL, null);
        } else {
            problem = ProblemType.forStatus(HttpStatusCode.valueOf(response.getStatus()), DETAIL, null);
        }
        String body = "{\"type\":\"%s\",\"title\":\"%s\",\"status\":%d,\"detail\":\"%s\"}"
                .formatted(problem.getType(), problem.getTitle(), problem.getStatus(), problem.getDetail());
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException ignored) {
            // The client is gone or the response is committed; there is nobody left to tell.
        }
    }
}
