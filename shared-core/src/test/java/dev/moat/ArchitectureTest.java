package dev.moat;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** DESIGN.md's package rules: no cycles; nothing depends on cli; only cli uses picocli or prints. */
@AnalyzeClasses(packages = "dev.moat", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule noPackageCycles = slices().matching("dev.moat.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule nothingDependsOnCli =
      noClasses().that().resideOutsideOfPackage("dev.moat.cli..").should().dependOnClassesThat().resideInAPackage("dev.moat.cli..");

  @ArchTest
  static final ArchRule onlyCliUsesPicocli =
      noClasses().that().resideOutsideOfPackage("dev.moat.cli..").should().dependOnClassesThat().resideInAPackage("picocli..");

  @ArchTest
  static final ArchRule coreNeverPrints =
      noClasses().that().resideOutsideOfPackage("dev.moat.cli..")
          .should().accessField(System.class, "out").orShould().accessField(System.class, "err");

  @ArchTest
  static final ArchRule coreNeverUsesJenkins =
      noClasses().should().dependOnClassesThat().resideInAnyPackage("hudson..", "jenkins..", "org.jenkinsci..");

  @ArchTest
  static final ArchRule noGrabBagNames =
      noClasses().that().areNotAssignableTo(javax.net.ssl.TrustManager.class)
          .should().haveSimpleNameEndingWith("Util").orShould().haveSimpleNameEndingWith("Utils")
          .orShould().haveSimpleNameEndingWith("Helper").orShould().haveSimpleNameEndingWith("Manager");

  @ArchTest
  static final ArchRule stagesDoNotDependOnEachOtherBackwards =
      noClasses().that().resideInAnyPackage("dev.moat.image..", "dev.moat.signing..")
          .should().dependOnClassesThat().resideInAPackage("dev.moat.stage..");
}
