package org.overturn.it;

/** The same contract on an external PostgreSQL (runs when OVERTURN_TEST_JDBC_URL is set). */
class ExternalFhirApiIT extends ExternalServerTest
        implements CrudContract, StoredJsonContract, SearchContract, TransactionContract, ErrorContract, LetterContract,
                CdsHooksContract, CdsTrustContract, WorkflowContract, PasContract, AppealContract, SubscriptionContract,
                CaseKitContract {}
