package dev.strangler.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the ingress gateway's Lua filter (istio/lua/edge-tagging.lua) under real LuaJIT, the runtime
 * Envoy embeds, in the Envoy stream-handle harness of istio/lua/test. Each Lua case is one test here: the
 * harness's own cases, and the edge filter's cases of istio/lua/test/edge_tagging_cases.json, which
 * EdgeTaggingWasmTest runs against the wasm module too.
 */
class EdgeTaggingLuaTest {

    private static final Pattern CASE = Pattern.compile("^(ok|not ok) (\\S+) :: (.+?)(?: :: (.*))?$");
    private static final Pattern SUMMARY = Pattern.compile("^(\\d+) passed, (\\d+) failed$");

    @TestFactory
    Stream<DynamicTest> luaCasesPassUnderLuajit() {
        ToolRun run = ToolRun.run(RepositoryLayout.root(), RequiredTool.LUAJIT, "istio/lua/test/run.lua");
        List<DynamicTest> tests = new ArrayList<>();
        int passed = -1;
        int failed = -1;
        for (String line : run.stdout().split("\n")) {
            Matcher c = CASE.matcher(line);
            Matcher s = SUMMARY.matcher(line);
            if (c.matches()) {
                boolean ok = c.group(1).equals("ok");
                String reason = c.group(4);
                tests.add(DynamicTest.dynamicTest(c.group(2) + ": " + c.group(3), () -> {
                    if (!ok) {
                        fail(reason);
                    }
                }));
            } else if (s.matches()) {
                passed = Integer.parseInt(s.group(1));
                failed = Integer.parseInt(s.group(2));
            }
        }
        int total = passed + failed;
        int reportedFailures = failed;
        tests.add(DynamicTest.dynamicTest("the runner reported every case and exited by its result", () -> {
            assertThat(total).as("summary line in\n" + run.describe()).isGreaterThanOrEqualTo(20);
            assertThat(tests.size() - 1).as("one line per case").isEqualTo(total);
            assertThat(run.exitCode()).as(run.describe()).isEqualTo(reportedFailures == 0 ? 0 : 1);
        }));
        return tests.stream();
    }
}
