package dev.imagesearch.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure of core, checked on the compiled classes (fully qualified names included, which an
 * import-based check would miss). Layers, bottom to top:
 * <ol>
 *   <li>building blocks: {@code error}, {@code hash}, {@code embed}, {@code image}, {@code files}, {@code store},
 *       {@code idmap};</li>
 *   <li>the embedded backends ({@code embedded}), on the store and id map interfaces;</li>
 *   <li>{@code search}: the models of an index, {@code Match} and the {@code SimilaritySearch} interface;</li>
 *   <li>the features on that interface: {@code fusion}, {@code compare}, {@code duplicates};</li>
 *   <li>the facade package ({@code dev.imagesearch}: {@code ImageSearch} and its parts), then {@code eval}.</li>
 * </ol>
 * A dependency may only point down. Together with the rule that no two packages depend on each other in a circle,
 * that keeps every package changeable without reading the ones above it.
 */
class ArchitectureTest {

    static final String ROOT = "dev.imagesearch";
    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    /**
     * One slice per top-level package of core, the facade package {@code dev.imagesearch} itself included (a
     * pattern such as {@code dev.imagesearch.(*)..} would leave it out, and with it every cycle through the facade).
     */
    static final SliceAssignment TOP_LEVEL_PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String pkg = c.getPackageName();
            if (pkg.equals(ROOT)) {
                return SliceIdentifier.of("dev.imagesearch (facade)");
            }
            if (!pkg.startsWith(ROOT + ".")) {
                return SliceIdentifier.ignore();
            }
            String rest = pkg.substring(ROOT.length() + 1);
            int dot = rest.indexOf('.');
            return SliceIdentifier.of(ROOT + "." + (dot < 0 ? rest : rest.substring(0, dot)));
        }

        @Override
        public String getDescription() {
            return "top-level packages of dev.imagesearch, the root package included";
        }
    };

    @Test
    void packagesAreFreeOfCycles() {
        slices().assignedFrom(TOP_LEVEL_PACKAGES).should().beFreeOfCycles().check(core);
    }

    @Test
    void buildingBlocksDoNotDependOnAnythingAbove() {
        noClasses().that().resideInAnyPackage(pkgs("error", "hash", "embed", "image", "files", "store", "idmap"))
                .should().dependOnClassesThat().resideInAnyPackage(
                        pkgs("", "embedded", "search", "fusion", "compare", "duplicates", "eval"))
                .check(core);
    }

    @Test
    void embeddedBackendsDoNotDependOnTheIndex() {
        noClasses().that().resideInAPackage(ROOT + ".embedded..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        pkgs("", "search", "fusion", "compare", "duplicates", "eval"))
                .check(core);
    }

    @Test
    void searchDoesNotDependOnItsUsers() {
        noClasses().that().resideInAPackage(ROOT + ".search..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        pkgs("", "embedded", "fusion", "compare", "duplicates", "eval"))
                .check(core);
    }

    @Test
    void featuresUseTheSearchInterfaceNotTheFacade() {
        noClasses().that().resideInAnyPackage(pkgs("fusion", "compare", "duplicates"))
                .should().dependOnClassesThat().resideInAnyPackage(pkgs("", "embedded", "eval"))
                .check(core);
    }

    /** Small classes: no main source file of core reaches 400 lines (the facade was ~790 before issue 14). */
    @Test
    void noMainClassOfCoreReaches400Lines() throws IOException {
        Path sources = Path.of("src/main/java");
        assertThat(sources).isDirectory(); // surefire runs in the module's folder
        Map<Path, Long> large = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                long lines;
                try (Stream<String> l = Files.lines(f)) {
                    lines = l.count();
                }
                if (lines >= 400) {
                    large.put(sources.relativize(f), lines);
                }
            }
        }
        assertThat(large).as("main classes of 400 lines or more: split them").isEmpty();
    }

    /** {@code "dev.imagesearch"} for {@code ""}, else {@code "dev.imagesearch.NAME.."}. */
    static String[] pkgs(String... names) {
        String[] out = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = names[i].isEmpty() ? ROOT : ROOT + "." + names[i] + "..";
        }
        return out;
    }
}
