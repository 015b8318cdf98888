package dev.strangler.orders.error;

import java.io.IOException;
import java.io.Writer;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Tomcat rejects some requests before any servlet runs, for example a path holding an encoded slash. Its default
 * report is an HTML page; this one answers such errors as {@code application/problem+json} like the rest of the API.
 */
public class ProblemJsonErrorReportValve extends ErrorReportValve {

    private static final String DETAIL = "The server rejected the request before processing it";

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        ProblemDetail problem = ProblemType.forStatus(HttpStatusCode.valueOf(status), DETAIL, null);
        String body = "{\"type\":\"%s\",\"title\":\"%s\",\"status\":%d,\"detail\":\"%s\"}"
                .formatted(problem.getType(), problem.getTitle(), status, DETAIL);
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
