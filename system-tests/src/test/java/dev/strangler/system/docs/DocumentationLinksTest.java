package dev.strangler.system.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.strangler.system.support.Repo;

/** Every relative link in README.md and docs/ reaches a file, and the heading its #anchor names. */
class DocumentationLinksTest {

    @Test
    void everyRelativeLinkInTheReadmeAndDocsReachesAFileAndItsAnchor() throws IOException {
        Path root = Repo.root();
        MarkdownLinks links = new MarkdownLinks(root);
        List<Path> pages;
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            pages = Stream.concat(Stream.of(root.resolve("README.md")), docs.filter(p -> p.toString().endsWith(".md"))).sorted().toList();
        }
        assertThat(pages).hasSizeGreaterThan(5);
        assertThat(pages.stream().flatMap(page -> links.brokenLinks(page).stream()))
                .as("broken links (fix the target, or the heading it names)").isEmpty();
    }

    @Test
    void aMissingFileAMissingAnchorAndALinkOutOfTheRepositoryAreReportedWithTheirLine(@TempDir Path repo) throws IOException {
        Files.createDirectories(repo.resolve("docs"));
        Files.writeString(repo.resolve("docs/target.md"), """
                # Routes `routes.yaml`: every field
                ## Checking a file: `--validate` and `--explain`
                ## Notes
                ## Notes
                <a id="custom"></a>
                """);
        Files.writeString(repo.resolve("README.md"), """
                # Title
                [fine](docs/target.md#routes-routesyaml-every-field) and [also](docs/target.md#checking-a-file---validate-and---explain)
                [second notes](docs/target.md#notes-1), [custom](docs/target.md#custom), [here](#title), [web](https://example.org/x)
                [gone](docs/missing.md)
                `[in code](docs/missing.md)`
                ```
                [in a fence](docs/missing.md)
                ```
                [no such heading](docs/target.md#nothing) ![image](docs/img.png "a title")
                [out](../elsewhere.md)

                [ref]: docs/also-missing.md
                """);
        assertThat(new MarkdownLinks(repo).brokenLinks(repo.resolve("README.md"))).containsExactly(
                "README.md:4: link docs/missing.md: no file docs/missing.md",
                "README.md:9: link docs/target.md#nothing: no heading in docs/target.md makes the anchor #nothing",
                "README.md:9: link docs/img.png: no file docs/img.png",
                "README.md:10: link ../elsewhere.md leaves the repository",
                "README.md:12: link docs/also-missing.md: no file docs/also-missing.md");
    }
}
