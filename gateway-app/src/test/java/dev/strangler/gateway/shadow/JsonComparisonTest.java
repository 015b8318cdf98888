package dev.strangler.gateway.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.strangler.gateway.observe.MismatchSample.Difference;

class JsonComparisonTest {

    private static JsonNode json(String text) {
        try {
            return ResponseComparison.JSON.readTree(text.replace('\'', '"'));
        }
        catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static List<Difference> compare(String primary, String shadow, List<String> ignore, double tolerance) {
        return new JsonComparison(ignore, tolerance, 20).compare(json(primary), json(shadow));
    }

    private static List<Difference> compare(String primary, String shadow) {
        return compare(primary, shadow, List.of(), 0.0);
    }

    @Test
    void equalDocumentsHaveNoDifferenceWhateverTheFieldOrder() {
        assertThat(compare("{'a':1,'b':{'c':[1,2,{'d':true}]},'e':null}", "{'e':null,'b':{'c':[1,2,{'d':true}]},'a':1}")).isEmpty();
    }

    @Test
    void changedLeafIsReportedByItsPointerWithBothValuesAsJson() {
        assertThat(compare("{'order':{'status':'NEW','total':12.5}}", "{'order':{'status':'PAID','total':12.5}}"))
                .containsExactly(new Difference("/order/status", "\"NEW\"", "\"PAID\""));
    }

    @Test
    void numbersCompareByValueNotByNotation() {
        assertThat(compare("{'total':12.5,'n':3,'big':1e2}", "{'total':12.50,'n':3.0,'big':100}")).isEmpty();
    }

    @Test
    void numbersWithinToleranceMatchAndBeyondItDiffer() {
        assertThat(compare("{'a':10.00,'b':10.00}", "{'a':10.01,'b':10.02}", List.of(), 0.01))
                .containsExactly(new Difference("/b", "10.00", "10.02"));
    }

    @Test
    void zeroToleranceReportsTheSmallestDifference() {
        assertThat(compare("{'a':0.1}", "{'a':0.10000001}")).extracting(Difference::where).containsExactly("/a");
    }

    @Test
    void missingAndExtraFieldsAreReportedWithNullOnTheSideThatLacksThem() {
        assertThat(compare("{'a':1,'gone':'x'}", "{'a':1,'added':{'k':2}}")).containsExactly(
                new Difference("/gone", "\"x\"", null),
                new Difference("/added", null, "{\"k\":2}"));
    }

    @Test
    void jsonNullIsNotTheSameAsAbsent() {
        assertThat(compare("{'a':null}", "{}")).containsExactly(new Difference("/a", "null", null));
        assertThat(compare("{'a':null}", "{'a':0}")).containsExactly(new Difference("/a", "null", "0"));
    }

    @Test
    void typeChangeIsOneDifferenceAtThatNode() {
        assertThat(compare("{'id':42,'tags':['a'],'meta':{'x':1}}", "{'id':'42','tags':{'0':'a'},'meta':[1]}")).containsExactly(
                new Difference("/id", "42", "\"42\""),
                new Difference("/tags", "[\"a\"]", "{\"0\":\"a\"}"),
                new Difference("/meta", "{\"x\":1}", "[1]"));
    }

    @Test
    void arrayLengthDifferenceReportsEachMissingOrExtraElement() {
        assertThat(compare("{'c':[1,2,3]}", "{'c':[1]}")).containsExactly(
                new Difference("/c/1", "2", null),
                new Difference("/c/2", "3", null));
        assertThat(compare("[1]", "[1,{'x':1}]")).containsExactly(new Difference("/1", null, "{\"x\":1}"));
    }

    @Test
    void arrayOrderMatters() {
        assertThat(compare("[1,2]", "[2,1]")).extracting(Difference::where).containsExactly("/0", "/1");
    }

    @Test
    void nestedArraysArePointedIntoByIndex() {
        assertThat(compare("{'m':[[1,2],[3,{'v':[4,5]}]]}", "{'m':[[1,2],[3,{'v':[4,6]}]]}"))
                .containsExactly(new Difference("/m/1/1/v/1", "5", "6"));
    }

    @Test
    void ignoredPointerSkipsThatNodeAndEverythingUnderIt() {
        assertThat(compare("{'createdAt':'a','meta':{'x':1,'y':2},'id':1}", "{'createdAt':'b','meta':{'x':9},'id':2}",
                List.of("/createdAt", "/meta"), 0)).containsExactly(new Difference("/id", "1", "2"));
    }

    @Test
    void ignoredPointerAlsoCoversAFieldPresentOnOneSideOnly() {
        assertThat(compare("{'id':1}", "{'id':1,'etag':'w/1'}", List.of("/etag"), 0)).isEmpty();
        assertThat(compare("{'id':1,'etag':'w/1'}", "{'id':1}", List.of("/etag"), 0)).isEmpty();
    }

    @Test
    void wildcardMatchesEveryArrayElement() {
        String primary = "{'content':[{'id':1,'createdAt':'t1','total':5},{'id':2,'createdAt':'t2','total':6}]}";
        String shadow = "{'content':[{'id':1,'createdAt':'u1','total':5},{'id':2,'createdAt':'u2','total':7}]}";
        assertThat(compare(primary, shadow, List.of("/content/*/createdAt"), 0))
                .containsExactly(new Difference("/content/1/total", "6", "7"));
    }

    @Test
    void wildcardMatchesEveryFieldNameAndCanNest() {
        String primary = "{'byId':{'a':{'at':1,'v':1},'b':{'at':2,'v':2}},'pages':[[{'at':1}],[{'at':2}]]}";
        String shadow = "{'byId':{'a':{'at':8,'v':1},'b':{'at':9,'v':3}},'pages':[[{'at':7}],[{'at':6}]]}";
        assertThat(compare(primary, shadow, List.of("/byId/*/at", "/pages/*/*/at"), 0))
                .containsExactly(new Difference("/byId/b/v", "2", "3"));
    }

    @Test
    void wildcardMatchesExactlyOneLevel() {
        assertThat(compare("{'a':{'b':{'c':1}}}", "{'a':{'b':{'c':2}}}", List.of("/*/c"), 0))
                .extracting(Difference::where).containsExactly("/a/b/c");
    }

    @Test
    void pointerTokensAreEscapedBothWaysAsRfc6901Says() {
        assertThat(compare("{'a/b':1,'m~n':1}", "{'a/b':2,'m~n':2}")).extracting(Difference::where)
                .containsExactly("/a~1b", "/m~0n");
        assertThat(compare("{'a/b':1,'m~n':1}", "{'a/b':2,'m~n':2}", List.of("/a~1b", "/m~0n"), 0)).isEmpty();
    }

    @Test
    void differentRootsAreOneDifferenceAtTheEmptyPointer() {
        assertThat(compare("[]", "{}")).containsExactly(new Difference("", "[]", "{}"));
    }

    @Test
    void stopsAtTheDifferenceLimit() {
        StringBuilder p = new StringBuilder("[");
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            p.append(i == 0 ? "" : ",").append(i);
            s.append(i == 0 ? "" : ",").append(i + 1);
        }
        List<Difference> differences = new JsonComparison(List.of(), 0, 20).compare(json(p + "]"), json(s + "]"));
        assertThat(differences).hasSize(20);
        assertThat(differences.get(19).where()).isEqualTo("/19");
    }

    @Test
    void longValuesAreTruncated() {
        String text = "x".repeat(500);
        Difference d = compare("{'a':'" + text + "'}", "{'a':'y'}").get(0);
        assertThat(d.primary()).hasSize(ShownValue.MAX_CHARS + 1).startsWith("\"xxx").endsWith("…");
    }

    @Test
    void credentialsAreRedactedWhereverTheyAppear() {
        List<Difference> differences = compare(
                "{'headers':{'Authorization':'Bearer t0ken','cookie':'s=1'},'req':{'x':1}}",
                "{'headers':{'Authorization':'Bearer other'},'req':{'x':2,'h':{'Set-Cookie':'s=2','ok':1}}}");
        assertThat(differences).containsExactly(
                new Difference("/headers/Authorization", "(redacted)", "(redacted)"),
                new Difference("/headers/cookie", "(redacted)", null),
                new Difference("/req/x", "1", "2"),
                new Difference("/req/h", null, "{\"Set-Cookie\":\"(redacted)\",\"ok\":1}"));
        assertThat(differences.toString()).doesNotContain("t0ken", "s=1", "s=2", "other");
    }

    @Test
    void rejectsInvalidSettings() {
        assertThatThrownBy(() -> new JsonComparison(List.of("createdAt"), 0, 20)).hasMessageContaining("must be a JSON pointer");
        assertThatThrownBy(() -> new JsonComparison(List.of(), -1, 20)).hasMessageContaining("numericTolerance");
    }
}
