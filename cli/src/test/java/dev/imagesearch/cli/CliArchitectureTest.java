package dev.imagesearch.cli;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import picocli.CommandLine.Command;

/**
 * No dependency cycle between the CLI's classes (a nested class counts as part of its top-level class), and so
 * none between its packages either. The one way down that is allowed: the root command names its subcommands
 * ({@code @Command(subcommands = ...)}), which point back at it through {@code @ParentCommand}.
 */
@AnalyzeClasses(packages = "dev.imagesearch.cli", importOptions = ImportOption.DoNotIncludeTests.class)
class CliArchitectureTest {

    private static final SliceAssignment TOP_LEVEL_CLASSES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            JavaClass top = c;
            while (top.getEnclosingClass().isPresent()) {
                top = top.getEnclosingClass().get();
            }
            return top.getPackageName().startsWith("dev.imagesearch.cli")
                    ? SliceIdentifier.of(top.getName()) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "top-level classes of dev.imagesearch.cli..";
        }
    };

    @ArchTest
    static final ArchRule noCycleBetweenTheClassesOfTheCli = slices().assignedFrom(TOP_LEVEL_CLASSES)
            .should().beFreeOfCycles()
            .ignoreDependency(equivalentTo(ImageSearchCli.class),
                    describe("a command", (JavaClass c) -> c.isAnnotatedWith(Command.class)));
}
