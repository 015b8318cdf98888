package dev.strangler.gateway.desync;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import dev.strangler.gateway.routing.PathNormalizer;
import dev.strangler.gateway.support.Gateways;
import dev.strangler.gateway.support.RecordingBackend;
import dev.strangler.gateway.support.StrictRequestParser;

/**
 * Sends every case of the desync corpus (docs/desync-corpus.md) as raw bytes to a gateway, once with the direct path
 * and once with {@code strangler.direct-path=false}, in front of two {@link RecordingBackend}s, and fails a case when
 * <ul>
 * <li>a backend parses a request the client did not send as its own (the client's own requests are what
 * {@link StrictRequestParser} reads from the client's bytes, up to the first malformed one), or one on a hidden
 * path;</li>
 * <li>a backend cannot parse what the gateway sent it, or is left holding part of a request on an open connection
 * after the client went away: the gateway and the backend disagree on where a request ends;</li>
 * <li>the client receives a backend's answer to a request other than its own at that position, or more backend
 * answers than it sent requests; or a probe on a fresh connection afterwards gets an answer meant for another
 * request (a poisoned pooled backend connection).</li>
 * </ul>
 * Cases marked {@code expect: forwarded} must also be answered by the backend, and {@code expect: rejected} by the
 * gateway alone. Every read has a timeout and the corpus is a fixed list.
 */
class DesyncCorpusTest {

    /** How long the client waits for an answer it is owed. */
    private static final int ANSWER_TIMEOUT_MS = 3_000;
    /** How long the client listens for answers beyond the ones it is owed. */
    private static final int QUIET_MS = 150;
    /** Fresh client connections each probe round opens: at least one per server event loop (Reactor Netty's default is 4 at most cores). */
    private static final int PROBE_CONNECTIONS = 4;
    private static final List<String> HIDDEN = List.of("/internal", "/actuator");

    static final List<RecordingBackend> backends = List.of(DesyncRoutes.LEGACY, DesyncRoutes.ORDERS);
    static Gateways.BothPaths gateways;
    /** Backend connections already blamed for a partial request, so one stuck connection fails one case. */
    static final Set<String> blamedPartials = new HashSet<>();

    @BeforeAll
    static void start() {
        gateways = DesyncRoutes.gateways();
    }

    @TestFactory
    Stream<DynamicTest> directPath() {
        return DesyncCase.all().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> run("direct", gateways.direct().port(), c)));
    }

    @TestFactory
    Stream<DynamicTest> springCloudGatewayPath() {
        return DesyncCase.all().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> run("scg", gateways.springCloudGateway().port(), c)));
    }

    private static void run(String mode, int port, DesyncCase c) throws Exception {
        StrictRequestParser.Split own = StrictRequestParser.split(c.bytes());
        String label = mode + "/" + c.id();
        backends.forEach(b -> b.label(label));
        List<String> failures = new ArrayList<>();
        List<ClientResponse> responses = exchange(port, c.bytes(), own, failures);
        awaitPartialRequestsClosed(failures);

        List<RecordingBackend.Received> received = new ArrayList<>();
        for (RecordingBackend b : backends) {
            received.addAll(b.received(label));
            b.problems(label).forEach(p -> failures.add("backend " + b.name() + " could not parse what the gateway sent on its connection "
                    + p.connection() + " (" + p.what() + "): " + b.bytesOf(p.connection())));
        }
        judgeReceived(received, own.requests(), failures);
        judgeResponses(responses, own.requests(), failures);
        if (c.expect() == DesyncCase.Expect.FORWARDED) {
            long answered = responses.stream().filter(r -> r.parsed() != null).count();
            if (own.tail() == StrictRequestParser.Tail.INVALID || answered != own.requests().size()) {
                failures.add("a well-formed case: all " + own.requests().size() + " requests must be answered by a backend, "
                        + answered + " were (strict parse: " + own.tail() + (own.reason() == null ? "" : ", " + own.reason()) + ")");
            }
        }
        if (c.expect() == DesyncCase.Expect.REJECTED
                && (!received.isEmpty() || responses.isEmpty() || responses.get(0).status() < 400)) {
            failures.add("the gateway must answer this itself with an error, and no backend may see it");
        }

        String probeLabel = label + "/probe";
        backends.forEach(b -> b.label(probeLabel));
        probe(port, probeLabel, failures);

        if (!failures.isEmpty()) {
            fail("case " + c.id() + " (" + c.file() + ") on the " + mode + " path\n  source: " + c.source() + "\n  technique: "
                    + c.technique() + "\n  sent: " + StrictRequestParser.printable(new String(c.bytes(), StandardCharsets.ISO_8859_1))
                    + "\n  the client's own requests (strict RFC 9112): " + describe(own.requests()) + ", then " + own.tail()
                    + (own.reason() == null ? "" : " (" + own.reason() + ")")
                    + "\n  backends parsed: " + received.stream().map(r -> r.request().method() + " " + r.request().target()
                            + " (" + r.request().body().length + " body bytes, " + r.connection() + ")").toList()
                    + "\n  client received: " + responses + "\n  failures:\n    - " + String.join("\n    - ", failures));
        }
    }

    /** Sends the bytes on a new connection and reads every response that comes back, as many as are owed and any more. */
    private static List<ClientResponse> exchange(int port, byte[] bytes, StrictRequestParser.Split split, List<String> failures)
            throws IOException {
        List<StrictRequestParser.Request> own = split.requests();
        // The method of the first request after the client's own, which a gateway's error answer is to.
        String tail = new String(bytes, split.tailStart(), bytes.length - split.tailStart(), StandardCharsets.ISO_8859_1);
        boolean tailIsHead = tail.startsWith("HEAD ");
        List<ClientResponse> responses = new ArrayList<>();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(ANSWER_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
            }
            catch (IOException e) {
                // The gateway may refuse and close before it has read everything; its answer is still to be read.
            }
            InputStream in = new BufferedInputStream(socket.getInputStream());
            while (true) {
                if (responses.size() >= own.size()) {
                    socket.setSoTimeout(QUIET_MS);
                }
                int i = responses.size();
                ClientResponse response;
                try {
                    // A HEAD answer has no body whatever its head says: the request it answers is the client's at that
                    // position, or the backend's own reading of it.
                    boolean head = i < own.size() ? own.get(i).method().equals("HEAD") : i == own.size() && tailIsHead;
                    response = ClientResponse.read(in, headers -> head
                            || (headers.containsKey("x-parsed") && headers.get("x-parsed").get(0).startsWith("HEAD ")));
                }
                catch (SocketTimeoutException e) {
                    break;
                }
                catch (IOException e) {
                    if (!(e instanceof java.net.SocketException)) {
                        failures.add("the client got bytes that are not a response: " + e.getMessage());
                    }
                    break;
                }
                if (response == null) {
                    break;
                }
                responses.add(response);
            }
        }
        return responses;
    }

    /** Every request a backend parsed must be one of the client's own, each at most once, and none on a hidden path. */
    private static void judgeReceived(List<RecordingBackend.Received> received, List<StrictRequestParser.Request> own,
            List<String> failures) {
        boolean[] used = new boolean[own.size()];
        for (RecordingBackend.Received r : received) {
            StrictRequestParser.Request got = r.request();
            String identity = RecordingBackend.identity(got.method(), got.target(), got.body());
            if (isHidden(got.target())) {
                failures.add("a backend received a request on a hidden path: " + got.method() + " " + got.target());
            }
            int match = -1;
            for (int i = 0; i < own.size() && match < 0; i++) {
                if (!used[i] && names(identity, own.get(i))) {
                    match = i;
                }
            }
            if (match < 0) {
                failures.add("a backend parsed a request the client did not send as its own: [" + identity + "]");
            }
            else {
                used[match] = true;
            }
        }
    }

    /** Each backend answer the client got must name the client's request at its position. */
    private static void judgeResponses(List<ClientResponse> responses, List<StrictRequestParser.Request> own, List<String> failures) {
        for (int i = 0; i < responses.size(); i++) {
            String parsed = responses.get(i).parsed();
            if (parsed == null) {
                continue;
            }
            if (i >= own.size()) {
                failures.add("response " + (i + 1) + " is a backend's answer to [" + parsed + "], but the client sent only "
                        + own.size() + " request(s) of its own");
            }
            else if (!names(parsed, own.get(i))) {
                failures.add("response " + (i + 1) + " answers [" + parsed + "], not the client's request " + (i + 1) + " "
                        + own.get(i).method() + " " + own.get(i).target());
            }
        }
    }

    /**
     * Fresh connections, at least one per event loop, each with one request per backend: an answer left in a pooled
     * backend connection by the case would be handed to one of them.
     */
    private static void probe(int port, String probeLabel, List<String> failures) throws IOException {
        for (int n = 0; n < PROBE_CONNECTIONS; n++) {
            String[] paths = {"/probe/" + n, "/api/orders/probe/" + n};
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout(ANSWER_TIMEOUT_MS);
                StringBuilder requests = new StringBuilder();
                for (String path : paths) {
                    requests.append("GET ").append(path).append(" HTTP/1.1\r\nHost: gw\r\n\r\n");
                }
                socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = new BufferedInputStream(socket.getInputStream());
                for (String path : paths) {
                    ClientResponse response;
                    try {
                        response = ClientResponse.read(in, false);
                    }
                    catch (IOException e) {
                        failures.add("probe GET " + path + " on a fresh connection got no response: " + e);
                        break;
                    }
                    String expected = RecordingBackend.identity("GET", path, new byte[0]);
                    if (response == null || !expected.equals(response.parsed())) {
                        failures.add("probe GET " + path + " on a fresh connection got " + response
                                + ": an answer meant for another request waited in a pooled backend connection");
                    }
                }
            }
        }
        for (RecordingBackend b : backends) {
            for (RecordingBackend.Received r : b.received(probeLabel)) {
                if (!r.request().target().contains("/probe/")) {
                    failures.add("while probing, backend " + b.name() + " parsed " + r.request().method() + " " + r.request().target());
                }
            }
        }
    }

    /** After the client closed, the gateway must finish or abandon every request it started sending to a backend. */
    private static void awaitPartialRequestsClosed(List<String> failures) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        List<String> partial;
        do {
            Thread.sleep(20);
            partial = new ArrayList<>();
            for (RecordingBackend b : backends) {
                for (String p : b.openWithPartialRequest()) {
                    if (!blamedPartials.contains(p.substring(0, p.indexOf(':')))) {
                        partial.add(p);
                    }
                }
            }
        }
        while (!partial.isEmpty() && System.nanoTime() < deadline);
        for (String p : partial) {
            blamedPartials.add(p.substring(0, p.indexOf(':')));
            failures.add("after the client closed, the gateway left part of a request on an open backend connection (" + p + ")");
        }
    }

    /** Whether a backend's [method target length:crc] names this request of the client, wherever the gateway forwarded it. */
    private static boolean names(String identity, StrictRequestParser.Request request) {
        for (String target : forwardedTargets(request.target())) {
            if (identity.equals(RecordingBackend.identity(request.method(), target, request.body()))) {
                return true;
            }
        }
        return false;
    }

    /** The targets the gateway may forward for a client's target: as sent, or its path in origin-form and normalized. */
    private static List<String> forwardedTargets(String target) {
        List<String> targets = new ArrayList<>();
        targets.add(target);
        String originForm = target;
        String lower = target.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            originForm = slash < 0 ? "/" : target.substring(slash);
            targets.add(originForm);
        }
        int q = originForm.indexOf('?');
        String path = q < 0 ? originForm : originForm.substring(0, q);
        try {
            targets.add(PathNormalizer.normalize(path).raw() + (q < 0 ? "" : originForm.substring(q)));
        }
        catch (PathNormalizer.RejectedPathException e) {
            // The gateway refuses it; no other spelling to accept.
        }
        return targets;
    }

    /** Whether a backend that decodes the path once, takes '\' for '/' and resolves dot segments would serve a hidden path. */
    private static boolean isHidden(String target) {
        String path = target;
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        try {
            path = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException e) {
            // A malformed escape: judge the raw text.
        }
        path = path.replace('\\', '/');
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            int semicolon = segment.indexOf(';');
            String s = semicolon >= 0 ? segment.substring(0, semicolon) : segment;
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (!segments.isEmpty()) {
                    segments.remove(segments.size() - 1);
                }
                continue;
            }
            segments.add(s.toLowerCase(Locale.ROOT));
        }
        String normalized = "/" + String.join("/", segments);
        return HIDDEN.stream().anyMatch(h -> normalized.equals(h) || normalized.startsWith(h + "/"));
    }

    private static String describe(List<StrictRequestParser.Request> requests) {
        return requests.stream().map(r -> r.method() + " " + r.target() + " (" + r.body().length + " body bytes)").toList().toString();
    }
}
