package io.nbo.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import io.nbo.model.Offer;
import io.nbo.model.SourceError;
import io.nbo.offers.OfferCatalogLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The files marketers edit in {@code rules/} compile, alone and together, and broken ones are refused with a location. */
class RuleFilesTest {

    private static final Path RULES = Path.of("rules");

    private final RuleSetCompiler compiler = new RuleSetCompiler(OfferCatalogLoader.standalone(), Clock.systemUTC());

    @TestFactory
    Stream<DynamicTest> everyDrlFileCompilesOnItsOwnWithTheCatalog() throws IOException {
        String catalog = read(RULES.resolve(OfferCatalogLoader.FILE_NAME));
        List<Path> drlFiles = drlFiles();
        assertThat(drlFiles).as("DRL files in %s", RULES.toAbsolutePath()).isNotEmpty();
        return drlFiles.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String name = file.getFileName().toString();
            RuleSet ruleSet = compileOrFail(Map.of(name, read(file), OfferCatalogLoader.FILE_NAME, catalog));
            assertThat(ruleSet.ruleCount()).as("rules in %s", name).isPositive();
        }));
    }

    @Test
    void theWholeFolderCompilesWithEnoughRulesAndOffers() {
        RuleSet ruleSet = compileOrFail(RuleSetCompiler.readFolder(RULES));

        assertThat(ruleSet.ruleCount()).isGreaterThanOrEqualTo(25);
        assertThat(ruleSet.catalog().size()).isGreaterThanOrEqualTo(18);
    }

    @Test
    void everyOfferIdAndGroupNamedInARuleIsInTheCatalog() throws IOException {
        // A typo in an id or group compiles fine and the rule silently never fires; catch it here.
        RuleSet ruleSet = compileOrFail(RuleSetCompiler.readFolder(RULES));
        Set<String> ids = ruleSet.catalog().all().stream().map(Offer::getId).collect(Collectors.toSet());
        Set<String> groups = ruleSet.catalog().all().stream().map(Offer::getGroup).collect(Collectors.toSet());
        Pattern idRef = Pattern.compile("\\bid\\s*==\\s*\"([^\"]*)\"");
        Pattern groupRef = Pattern.compile("\\bgroup\\s*==\\s*\"([^\"]*)\"");

        Set<String> unknown = new TreeSet<>();
        for (Path file : drlFiles()) {
            String text = read(file);
            collect(idRef.matcher(text)).stream().filter(id -> !ids.contains(id))
                    .forEach(id -> unknown.add(file.getFileName() + ": offer id \"" + id + "\""));
            collect(groupRef.matcher(text)).stream().filter(g -> !groups.contains(g))
                    .forEach(g -> unknown.add(file.getFileName() + ": offer group \"" + g + "\""));
        }
        assertThat(unknown).as("references to offers that are not in offers.yaml").isEmpty();
    }

    @Test
    void aDrlSyntaxErrorIsRefusedWithItsFileAndLine() throws IOException {
        String broken = """
                package rules;

                import io.nbo.model.*;

                rule "A rule with a missing parenthesis"
                when
                    $r : Result()
                    Customer(known,
                    $o : Offer(id == "free-shipping")
                then
                    $r.eligible($o, "never");
                end
                """;

        List<SourceError> errors = refused(Map.of("broken.drl", broken,
                OfferCatalogLoader.FILE_NAME, read(RULES.resolve(OfferCatalogLoader.FILE_NAME))));

        assertThat(errors).allSatisfy(e -> assertThat(e.file()).isEqualTo("broken.drl"));
        // The parser notices the missing ')' only when it reaches 'then' (line 10, column 1).
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.line()).isEqualTo(10);
            assertThat(e.column()).isEqualTo(1);
        });
    }

    @Test
    void aConstraintOnAMissingHelperIsRefusedWithItsLine() throws IOException {
        String broken = """
                package rules;

                import io.nbo.model.*;

                rule "A rule calling a helper that does not exist"
                when
                    $r : Result()
                    Customer(known, tier() == "gold")
                    $o : Offer(id == "free-shipping")
                then
                    $r.eligible($o, "never");
                end
                """;

        List<SourceError> errors = refused(Map.of("helper.drl", broken,
                OfferCatalogLoader.FILE_NAME, read(RULES.resolve(OfferCatalogLoader.FILE_NAME))));

        assertThat(errors).isNotEmpty().allSatisfy(e -> {
            assertThat(e.file()).isEqualTo("helper.drl");
            assertThat(e.line()).isEqualTo(8);
            assertThat(e.message()).contains("tier()");
        });
    }

    @Test
    void errorsFoundAfterParsingPointAtTheCulpritsLineAndColumn() throws IOException {
        String broken = """
                package rules;
                import io.nbo.model.*;
                rule "Unknown type"
                when
                    $r : Result()
                    $b : Basket()
                then
                end
                rule "Unknown property"
                when
                    $r : Result()
                    $o : Offer(nme == "x")
                then
                end
                rule "Unknown method in the consequence"
                when
                    $r : Result()
                    $o : Offer()
                then
                    $r.eligible($o, "x");
                    $r.frobnicate($o);
                end
                """;

        List<SourceError> errors = refused(Map.of("located.drl", broken,
                OfferCatalogLoader.FILE_NAME, read(RULES.resolve(OfferCatalogLoader.FILE_NAME))));

        assertThat(errors).extracting(e -> e.line() + ":" + e.column())
                .contains("6:10", "12:16", "21:8");
    }

    @Test
    void aBrokenCatalogIsRefusedWithTheLineOfTheOffer() throws IOException {
        String catalog = read(RULES.resolve(OfferCatalogLoader.FILE_NAME));
        String offerStart = "  - id: free-shipping\n";
        assertThat(catalog).contains(offerStart);
        int offerLine = lineOf(catalog, offerStart);
        String broken = catalog.replaceFirst("(?m)^(  - id: free-shipping\\n(?:    .*\\n)*?)    value: [0-9.]+\\n", "$1    value: -5\n");
        assertThat(broken).isNotEqualTo(catalog);

        List<SourceError> errors = refused(Map.of("cart.drl", read(RULES.resolve("cart.drl")), OfferCatalogLoader.FILE_NAME, broken));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo(OfferCatalogLoader.FILE_NAME);
            assertThat(e.line()).isEqualTo(offerLine);
            assertThat(e.message()).contains("free-shipping").contains("value");
        });
    }

    @Test
    void aCatalogYamlSyntaxErrorIsRefusedWithItsLine() throws IOException {
        String broken = """
                offers:
                  - id: free-shipping
                    name: Free shipping
                    group: [shipping
                    value: 10
                    channels:
                      web: {headline: Free shipping today}
                """;

        List<SourceError> errors = refused(Map.of("cart.drl", read(RULES.resolve("cart.drl")), OfferCatalogLoader.FILE_NAME, broken));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo(OfferCatalogLoader.FILE_NAME);
            assertThat(e.line()).isBetween(4, 5);
        });
    }

    private RuleSet compileOrFail(Map<String, String> files) {
        try {
            return compiler.compile(files);
        } catch (InvalidRuleSetException e) {
            return fail("the rule set does not compile:\n" + e.errors().stream().map(SourceError::toString).collect(Collectors.joining("\n")));
        }
    }

    private List<SourceError> refused(Map<String, String> files) {
        InvalidRuleSetException e = catchThrowableOfType(InvalidRuleSetException.class, () -> compiler.compile(files));
        assertThat(e).as("the broken rule set is refused").isNotNull();
        return e.errors();
    }

    private static List<Path> drlFiles() throws IOException {
        try (Stream<Path> entries = Files.list(RULES)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".drl")).sorted().toList();
        }
    }

    private static List<String> collect(Matcher m) {
        List<String> found = new java.util.ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static int lineOf(String text, String fragment) {
        String before = text.substring(0, text.indexOf(fragment));
        return (int) before.chars().filter(c -> c == '\n').count() + 1;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
