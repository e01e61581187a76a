package org.overturn.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The external-database suites run only when OVERTURN_TEST_JDBC_URL is set. JUnit does not inherit that condition from
 * an abstract superclass, so each concrete suite must carry it itself, or `./mvnw verify` fails on a machine without
 * the variable (the context starts with a null URL).
 */
class ExternalSuiteConditionTest {

    @Test
    void everyExternalSuiteCarriesTheEnvironmentConditionItself() {
        classes().that().areAssignableTo(ExternalServerTest.class)
                .and().doNotHaveModifier(JavaModifier.ABSTRACT)
                .should().beAnnotatedWith(EnabledIfEnvironmentVariable.class)
                .because("a condition on the abstract ExternalServerTest does not apply to its subclasses")
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                        .importPackages("org.overturn.it"));
    }
}
