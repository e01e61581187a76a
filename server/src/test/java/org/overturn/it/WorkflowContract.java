package org.overturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Workflow Tasks follow the Task state machine: invalid transitions are 409 and change nothing; history keeps every step. */
public interface WorkflowContract extends FhirHttp {

    default String workflowTask(String step, String status) {
        return "{\"resourceType\":\"Task\",\"status\":\"" + status + "\",\"intent\":\"order\","
                + "\"code\":{\"coding\":[{\"system\":\"http://overturn.example.org/fhir/CodeSystem/workflow-step\",\"code\":\"" + step + "\"}]},"
                + "\"description\":\"workflow-" + unique() + "\"}";
    }

    default ObjectNode withStatus(String id, String body, String status) {
        ObjectNode task = (ObjectNode) CdsHooksContract.tree(body);
        task.put("id", id);
        task.put("status", status);
        return task;
    }

    @Test
    default void workflowTaskWhenMovedForwardThenEachStepIsAVersionAndGoingBackIs409() {
        String body = workflowTask("internal-appeal", "requested");
        String id = create("Task", body);
        assertThat(put("Task/" + id, withStatus(id, body, "in-progress").toString()).status()).isEqualTo(200);
        ObjectNode decided = withStatus(id, body, "completed");
        decided.putObject("businessStatus").put("text", "overturned");
        assertThat(put("Task/" + id, decided.toString()).status()).isEqualTo(200);

        Response back = put("Task/" + id, withStatus(id, body, "in-progress").toString());
        assertThat(back.assertOutcome(409)).isEqualTo("OVT-409-TRANSITION");
        assertThat(back.json().path("issue").get(0).path("diagnostics").asText())
                .contains("cannot go from 'completed' to 'in-progress'").contains("entered-in-error");
        assertThat(get("Task/" + id).json().path("status").asText()).as("nothing changed").isEqualTo("completed");
        assertThat(get("Task/" + id + "/_history").json().path("total").asInt()).isEqualTo(3);

        ObjectNode otherStep = withStatus(id, decided.toString(), "completed");
        otherStep.with("code").withArray("coding").removeAll().addObject()
                .put("system", "http://overturn.example.org/fhir/CodeSystem/workflow-step").put("code", "external-review");
        assertThat(put("Task/" + id, otherStep.toString()).assertOutcome(409)).isEqualTo("OVT-409-TRANSITION");
    }

    @Test
    default void workflowTaskWhenChangedInsideATransactionThenTheSameRuleApplies() {
        String body = workflowTask("prior-authorization", "cancelled");
        String id = create("Task", body);
        String tx = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
                + withStatus(id, body, "requested") + ",\"request\":{\"method\":\"PUT\",\"url\":\"Task/" + id + "\"}}]}";
        assertThat(post("", tx).assertOutcome(409)).isEqualTo("OVT-409-TRANSITION");
    }

    @Test
    default void plainTaskWhenStatusJumpsThenAllowedBecauseItIsNotAWorkflowStep() {
        String body = "{\"resourceType\":\"Task\",\"status\":\"completed\",\"intent\":\"order\"}";
        String id = create("Task", body);
        assertThat(put("Task/" + id, withStatus(id, body, "requested").toString()).status()).isEqualTo(200);
    }
}
