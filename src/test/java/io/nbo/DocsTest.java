package io.nbo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.commonmark.ext.heading.anchor.IdGenerator;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;

/** The docs a newcomer reads: a short README, and every link between the project's Markdown pages leads somewhere. */
class DocsTest {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Parser MARKDOWN = Parser.builder().build();

    /** A link in a page: where it points, and where in the page it is. */
    record Reference(Path page, String destination) {
    }

    static List<Path> pages() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> Stream.of("target", ".git", "node_modules", ".mvn").noneMatch(skip -> ROOT.relativize(p).toString().startsWith(skip)
                            || ROOT.relativize(p).toString().contains("/" + skip + "/")))
                    .sorted().toList();
        }
    }

    static List<Reference> links(Path page) throws IOException {
        List<Reference> out = new ArrayList<>();
        MARKDOWN.parse(Files.readString(page)).accept(new AbstractVisitor() {
            @Override
            public void visit(Link link) {
                out.add(new Reference(page, link.getDestination()));
                visitChildren(link);
            }

            @Override
            public void visit(Image image) {
                out.add(new Reference(page, image.getDestination()));
            }
        });
        return out;
    }

    /** The ids GitHub gives the page's headings, in order, repeated ones numbered. */
    static Set<String> anchors(Path page) throws IOException {
        IdGenerator ids = IdGenerator.builder().build();
        Set<String> out = new HashSet<>();
        MARKDOWN.parse(Files.readString(page)).accept(new AbstractVisitor() {
            @Override
            public void visit(Heading heading) {
                StringBuilder text = new StringBuilder();
                heading.accept(new AbstractVisitor() {
                    @Override
                    public void visit(Text t) {
                        text.append(t.getLiteral());
                    }

                    @Override
                    public void visit(Code c) {
                        text.append(c.getLiteral());
                    }
                });
                out.add(ids.generateId(text.toString()));
            }
        });
        return out;
    }

    @Test
    void theReadmeIsShort() throws IOException {
        assertThat(Files.readAllLines(ROOT.resolve("README.md"))).hasSizeLessThan(200);
    }

    @Test
    void everyLinkBetweenThePagesLeadsToAFileAndItsHeading() throws IOException {
        List<Path> pages = pages();
        assertThat(pages).extracting(p -> ROOT.relativize(p).toString())
                .contains("README.md", "docs/api.md", "rules/README.md", "deployment/README.md", "load-tests/README.md");
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            for (Reference ref : links(page)) {
                String d = ref.destination();
                if (d.matches("^[a-z]+:.*")) {
                    continue; // http, https, mailto: not ours to check offline
                }
                checked++;
                int hash = d.indexOf('#');
                String file = hash < 0 ? d : d.substring(0, hash);
                String anchor = hash < 0 ? null : d.substring(hash + 1);
                Path target = file.isEmpty() ? page : page.getParent().resolve(java.net.URLDecoder.decode(file, java.nio.charset.StandardCharsets.UTF_8)).normalize();
                String where = ROOT.relativize(page) + ": " + d;
                if (!Files.exists(target)) {
                    broken.add(where + " (no such file)");
                } else if (anchor != null && target.toString().endsWith(".md") && !anchors(target).contains(anchor)) {
                    broken.add(where + " (no such heading in " + ROOT.relativize(target) + ")");
                }
            }
        }
        assertThat(checked).as("links checked").isGreaterThan(10);
        assertThat(broken).as("broken links").isEmpty();
    }
}
