package org.overturn.it;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The same contract on an external PostgreSQL (runs when OVERTURN_TEST_JDBC_URL is set, skipped otherwise). */
// The condition sits here, not only on ExternalServerTest: JUnit does not inherit it (ExternalSuiteConditionTest).
@EnabledIfEnvironmentVariable(named = ExternalServerTest.ENV, matches = "jdbc:.+")
class ExternalFhirApiIT extends ExternalServerTest
        implements CrudContract, StoredJsonContract, SearchContract, TransactionContract, ErrorContract, LetterContract,
                CdsHooksContract, CdsTrustContract, WorkflowContract, PasContract, AppealContract, SubscriptionContract,
                CaseKitContract, WriteIntegrityContract, AbuseLimitsContract, QuestionnairePackageContract, ValidateContract,
                ChartsContract, HistoryContract {}
