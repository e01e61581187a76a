package org.overturn;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/** Dependencies point inward: edges use features, features use the store, the store knows no edge. */
@AnalyzeClasses(packages = "org.overturn", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule noFeatureCycles = slices().matching("org.overturn.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule storeKnowsNoEdge = noClasses()
            .that().resideInAPackage("org.overturn.store..")
            .should().dependOnClassesThat().resideInAnyPackage("org.overturn.fhir..", "ca.uhn.fhir.rest.server..", "jakarta.servlet..");

    @ArchTest
    static final ArchRule platformIsTheKernel = noClasses()
            .that().resideInAPackage("org.overturn.platform..")
            .should().dependOnClassesThat().resideInAnyPackage("org.overturn.store..", "org.overturn.fhir..");

    /**
     * Resource SQL belongs to the store. A feature may own a table of its own that is not a FHIR resource (the CDS
     * token replay cache and feedback, the payer outbox, deadline reminders sent, subscription state and notification
     * outbox); those features are named here, and nothing else writes SQL but {@code platform.OutboxLease}, the
     * lease statement both outboxes run on their own tables, in their own claiming transaction.
     */
    @ArchTest
    static final ArchRule onlyTheStoreAndTableOwningFeaturesWriteSql = noClasses()
            .that().resideOutsideOfPackages("org.overturn.store..", "org.overturn.cds..", "org.overturn.pas..", "org.overturn.workflow..",
                    "org.overturn.subscriptions..")
            .and().doNotHaveFullyQualifiedName("org.overturn.platform.OutboxLease")
            .should().dependOnClassesThat().resideInAPackage("org.springframework.jdbc.core..");

    /**
     * The way to payers (routes, credentials, circuit breakers) is shared by PA and eligibility, so it depends on
     * neither, and stores nothing.
     */
    @ArchTest
    static final ArchRule payersKnowNoFeature = noClasses()
            .that().resideInAPackage("org.overturn.payers..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.overturn.pas..", "org.overturn.eligibility..", "org.overturn.store..", "org.overturn.fhir..",
                    "org.springframework.jdbc..", "jakarta.servlet..");

    /**
     * The trial registry is shared by letters and appeals and calls out to ClinicalTrials.gov: of Overturn it uses the
     * kernel only (its bounded HTTP exchange), never a feature or the store.
     */
    @ArchTest
    static final ArchRule trialsUseOnlyThePlatform = noClasses()
            .that().resideInAPackage("org.overturn.trials..")
            .should().dependOnClassesThat(DescribedPredicate.describe("an org.overturn class outside trials and platform",
                    (JavaClass c) -> c.getPackageName().startsWith("org.overturn.")
                            && !c.getPackageName().startsWith("org.overturn.trials")
                            && !c.getPackageName().startsWith("org.overturn.platform")));

    /** The coverage knowledge and its evaluation are plain Java over the loaded files: no FHIR, no storage. */
    @ArchTest
    static final ArchRule criteriaArePure = noClasses()
            .that().resideInAPackage("org.overturn.criteria..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.overturn.store..", "org.overturn.fhir..", "org.overturn.evidence..", "org.overturn.eligibility..",
                    "org.overturn.letter..", "org.hl7.fhir..", "ca.uhn.fhir..", "org.springframework.jdbc..");

    /**
     * The law (jurisdictions, regimes, appeal rules) is checked against the coverage knowledge, so it may use
     * {@code criteria}; the criteria know no law, so the dependency points one way.
     */
    @ArchTest
    static final ArchRule criteriaKnowNoLaw = noClasses()
            .that().resideInAPackage("org.overturn.criteria..")
            .should().dependOnClassesThat().resideInAPackage("org.overturn.law..");

    /** The law is data and its checks, pure like the criteria: no FHIR, no storage. */
    @ArchTest
    static final ArchRule lawIsPure = noClasses()
            .that().resideInAPackage("org.overturn.law..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.overturn.store..", "org.overturn.fhir..", "org.overturn.evidence..", "org.overturn.eligibility..",
                    "org.overturn.letter..", "org.hl7.fhir..", "ca.uhn.fhir..", "org.springframework.jdbc..");

    /**
     * Deadlines are computed from the rules alone (the clocks of {@code law}); reading them off FHIR resources is the
     * appeals feature's job.
     */
    @ArchTest
    static final ArchRule deadlinesArePure = noClasses()
            .that().resideInAPackage("org.overturn.deadlines..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.overturn.store..", "org.overturn.fhir..", "org.overturn.appeals..", "org.hl7.fhir..", "ca.uhn.fhir..",
                    "org.springframework.jdbc..", "org.springframework.web..", "jakarta.servlet..");

    /** Features publish to subscription topics; subscriptions knows none of them (it delivers whatever they publish). */
    @ArchTest
    static final ArchRule subscriptionsKnowNoFeature = noClasses()
            .that().resideInAPackage("org.overturn.subscriptions..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.overturn.pas..", "org.overturn.workflow..", "org.overturn.appeals..", "org.overturn.fhir..",
                    "org.overturn.cds..", "jakarta.servlet..");

    private static final List<Class<?>> NOW_OWNERS = List.of(java.time.Instant.class, java.time.LocalDate.class,
            java.time.LocalDateTime.class, java.time.LocalTime.class, java.time.OffsetDateTime.class, java.time.ZonedDateTime.class);

    /**
     * All code tells time by the application's one {@code Clock} (platform), so deadlines, leases, letters, version
     * stamps and Bundle times can be tested at any date: no {@code now()} of java.time without a Clock argument (with
     * none, or a zone only, it reads the system clock), and no other way to the system clock.
     */
    @ArchTest
    static final ArchRule codeTellsTimeByTheInjectedClock = noClasses()
            .that().doNotHaveSimpleName("ClockConfig")
            .should().callMethodWhere(DescribedPredicate.describe("now() of java.time without a Clock", call -> call.getName().equals("now")
                    && NOW_OWNERS.stream().anyMatch(t -> call.getTargetOwner().isEquivalentTo(t))
                    && call.getTarget().getRawParameterTypes().stream().noneMatch(p -> p.isEquivalentTo(java.time.Clock.class))))
            .orShould().callMethod(java.time.Clock.class, "systemUTC")
            .orShould().callMethod(java.time.Clock.class, "systemDefaultZone")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callConstructor(java.util.Date.class);

    /** NullAway checks the packages marked {@code @NullMarked} (see the compiler set-up): every package is. */
    @ArchTest
    static final ArchRule everyPackageIsNullMarked = classes()
            .should(new ArchCondition<JavaClass>("reside in a package whose package-info is @NullMarked") {
                @Override
                public void check(JavaClass item, ConditionEvents events) {
                    if (!item.getPackage().isAnnotatedWith(NullMarked.class)) {
                        events.add(SimpleConditionEvent.violated(item, item.getPackageName() + " has no @NullMarked package-info"));
                    }
                }
            });

    /** One place assesses a case (payer, drug, policy, chart): every feature asks {@code assessment}, none evaluates itself. */
    @ArchTest
    static final ArchRule onlyAssessmentEvaluatesCriteria = noClasses()
            .that().resideOutsideOfPackages("org.overturn.assessment..", "org.overturn.criteria..")
            .should().dependOnClassesThat().haveFullyQualifiedName("org.overturn.criteria.CriteriaEvaluator");

    /** PA (the sandbox payer) and eligibility share the assessment, not each other. */
    @ArchTest
    static final ArchRule pasAndEligibilityAreIndependent = noClasses()
            .that().resideInAPackage("org.overturn.pas..")
            .should().dependOnClassesThat().resideInAPackage("org.overturn.eligibility..");

    /** A PA case is read in one place ({@code cases.CaseReader}); features take it from there, never build their own. */
    @ArchTest
    static final ArchRule onlyCasesBuildsACase = noClasses()
            .that().resideOutsideOfPackage("org.overturn.cases..")
            .should().callConstructorWhere(new com.tngtech.archunit.base.DescribedPredicate<com.tngtech.archunit.core.domain.JavaConstructorCall>(
                    "a constructor of PaCase") {
                @Override
                public boolean test(com.tngtech.archunit.core.domain.JavaConstructorCall call) {
                    return call.getTargetOwner().getFullName().equals("org.overturn.cases.PaCase");
                }
            });

    /** The case is read below the features that work on it: {@code cases} depends on none of them. */
    @ArchTest
    static final ArchRule casesKnowNoCaseFeature = noClasses()
            .that().resideInAPackage("org.overturn.cases..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.overturn.letter..", "org.overturn.appeals..", "org.overturn.fax..", "org.overturn.summary..",
                    "org.overturn.pas..", "org.overturn.eligibility..", "org.overturn.fhir..", "org.overturn.cds..");

    /**
     * {@code cases} sits below every feature: it imports no feature package, not even the vocabulary of one (the
     * workflow-step codes it finds Tasks by are its own, {@code cases.WorkflowSteps}, which {@code workflow} enforces).
     */
    @ArchTest
    static final ArchRule casesImportNoFeature = noClasses()
            .that().resideInAPackage("org.overturn.cases..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.overturn.pas..", "org.overturn.appeals..", "org.overturn.fax..", "org.overturn.summary..",
                    "org.overturn.eligibility..", "org.overturn.letter..", "org.overturn.workflow..",
                    "org.overturn.subscriptions..", "org.overturn.fhir..", "org.overturn.cds..", "org.overturn.security..",
                    "org.overturn.authserver..", "org.overturn.audit..");

    /** Features that work on a case share {@code cases}, not each other's internals. */
    @ArchTest
    static final ArchRule caseFeaturesDoNotReachIntoAppeals = noClasses()
            .that().resideInAnyPackage("org.overturn.fax..", "org.overturn.summary..", "org.overturn.letter..", "org.overturn.pas..")
            .should().dependOnClassesThat().resideInAPackage("org.overturn.appeals..");
}
