package dev.strangler.legacy.web.shutdown;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.legacy.config.LegacyProperties;
import dev.strangler.legacy.error.ProblemType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Once shutdown has begun, answers every request that had not yet reached the application with 503 problem+json,
 * {@code Retry-After} and {@code Connection: close}, before it touches the database.
 *
 * <p>Why: Tomcat's graceful shutdown waits only for requests already inside a servlet. A request read from a
 * kept-alive connection just before the connector paused, but not yet dispatched, is invisible to it; it would run
 * after "graceful shutdown complete", while Tomcat interrupts its threads and the connection pool closes, and fail
 * with a 500. This filter runs inside the servlet, so a request that passed it before the gate closed is one that
 * graceful shutdown waits for, and one that comes later is refused cleanly; the client may send it again.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ShutdownGate extends OncePerRequestFilter implements SmartLifecycle {

    /** Just above graceful shutdown: the gate closes right before the web server starts draining. */
    static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 1;

    /** Shared with the error report valve, which answers the requests Tomcat cuts off during shutdown. */
    public static final String DETAIL = "The server is shutting down and did not process this request; send it again";

    private static final Logger log = LoggerFactory.getLogger(ShutdownGate.class);

    private final ObjectMapper json;
    private final String retryAfterSeconds;
    /** Open from the start: the web server starts in an earlier phase, and a request then must not be refused. */
    private volatile boolean open = true;

    ShutdownGate(ObjectMapper json, LegacyProperties properties) {
        this.json = json;
        this.retryAfterSeconds = Long.toString(Math.max(1, properties.shutdownRetryAfter().toSeconds()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (open) {
            chain.doFilter(request, response);
            return;
        }
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", ProblemType.SHUTTING_DOWN.type().toString());
        problem.put("title", "Shutting down");
        problem.put("status", HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        problem.put("detail", DETAIL);
        problem.put("instance", request.getRequestURI());
        refuse(response);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), problem);
        log.info("event=request_refused reason=shutting_down method={} path={}", request.getMethod(), request.getRequestURI());
    }

    /** True once shutdown has begun: from then on no request reaches the application. */
    public boolean closed() {
        return !open;
    }

    /**
     * Sets what every answer refused during shutdown carries: 503, {@code Retry-After}, and {@code Connection: close}
     * so that the client's next attempt opens a connection to a running instance. The caller writes the body.
     */
    public void refuse(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        response.setHeader(HttpHeaders.CONNECTION, "close");
    }

    @Override
    public void start() {
        open = true;
    }

    @Override
    public void stop() {
        open = false;
        log.info("event=shutdown_gate_closed");
    }

    @Override
    public boolean isRunning() {
        return open;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
