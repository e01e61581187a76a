package org.overturn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

/** Overturn's own search parameters: a date on Task, and composites of a token and a date. */
class SearchParameterRegistryTest {
    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final String DEADLINE = "http://overturn.example.org/fhir/SearchParameter/task-deadline";

    private static SearchParameter deadline() {
        SearchParameter sp = new SearchParameter().setUrl(DEADLINE).setCode("deadline").setType(SearchParamType.DATE)
                .setExpression("Task.restriction.period.end");
        sp.addBase("Task");
        return sp;
    }

    private static SearchParameter composite(String code, String expression, String... components) {
        SearchParameter sp = new SearchParameter().setUrl("http://overturn.example.org/fhir/SearchParameter/" + code)
                .setCode(code).setType(SearchParamType.COMPOSITE).setExpression(expression);
        sp.addBase("Task");
        for (String c : components) {
            sp.addComponent().setDefinition(c);
        }
        return sp;
    }

    private static SearchParameterRegistry registry(SearchParameter... custom) {
        return new SearchParameterRegistry(CTX, ResourceTypes.SUPPORTED, List.of(custom));
    }

    @Test
    void compositeWhenStatusAndDeadlineThenSingleValuedAndIndexedAsPairs() {
        SearchParameterRegistry registry = registry(deadline(),
                composite("status-deadline", "Task", "http://hl7.org/fhir/SearchParameter/Task-status", DEADLINE));
        SearchParam sp = registry.find("Task", "status-deadline");
        assertThat(sp).isNotNull();
        assertThat(sp.composite()).isNotNull();
        assertThat(sp.composite().token().name()).isEqualTo("status");
        assertThat(sp.composite().date().name()).isEqualTo("deadline");
        assertThat(sp.composite().singleValued()).isTrue();

        Task task = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setId("t1");
        task.getRestriction().setPeriod(new Period().setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2026-12-20")));
        IndexRows rows = new SearchIndexer(CTX, registry).index(task);
        assertThat(rows.tokenDates).singleElement().satisfies(row -> {
            assertThat(row.param()).isEqualTo("status-deadline");
            assertThat(row.system()).isEqualTo("http://hl7.org/fhir/task-status");
            assertThat(row.code()).isEqualTo("requested");
            assertThat(row.low()).isEqualTo(rows.dates.stream().filter(d -> d.param().equals("deadline")).findFirst().orElseThrow().low());
        });

        Task undated = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        undated.setId("t2");
        assertThat(new SearchIndexer(CTX, registry).index(undated).tokenDates).isEmpty();
    }

    @Test
    void compositeWhenAComponentMayRepeatThenNotSingleValued() {
        // Task.code is one CodeableConcept, but each of its codings is a value.
        SearchParameterRegistry registry = registry(deadline(),
                composite("code-deadline", "Task", "http://hl7.org/fhir/SearchParameter/Task-code", DEADLINE));
        assertThat(registry.find("Task", "code-deadline").composite().singleValued()).isFalse();
    }

    @Test
    void compositeWhenNotATokenAndADateOnTheResourceThenTheStartStopsNamingIt() {
        assertThatThrownBy(() -> registry(deadline(), composite("two-tokens", "Task",
                "http://hl7.org/fhir/SearchParameter/Task-status", "http://hl7.org/fhir/SearchParameter/Task-business-status")))
                .hasMessageContaining("two-tokens").hasMessageContaining("one token and one date");
        assertThatThrownBy(() -> registry(deadline(), composite("nested", "Task.input",
                "http://hl7.org/fhir/SearchParameter/Task-status", DEADLINE)))
                .hasMessageContaining("nested").hasMessageContaining("expression must be 'Task'");
        assertThatThrownBy(() -> registry(deadline(), composite("unknown", "Task",
                "http://hl7.org/fhir/SearchParameter/Task-status", "http://example.org/nope")))
                .hasMessageContaining("http://example.org/nope is not a parameter of Task");
    }
}
