package org.overturn.it;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The same contract on an external PostgreSQL (runs when OVERTURN_TEST_JDBC_URL is set). */
// On the test class itself: JUnit does not look for this condition on superclasses (it is not @Inherited).
@EnabledIfEnvironmentVariable(named = ExternalServerTest.ENV, matches = "jdbc:.+")
class ExternalFhirApiIT extends ExternalServerTest
        implements CrudContract, StoredJsonContract, SearchContract, TransactionContract, ErrorContract, LetterContract,
                CdsHooksContract, CdsTrustContract, WorkflowContract, PasContract, AppealContract, SubscriptionContract,
                CaseKitContract {}
