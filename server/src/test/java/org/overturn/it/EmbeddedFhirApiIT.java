package org.overturn.it;

/** The whole FHIR API contract on the embedded PostgreSQL. */
class EmbeddedFhirApiIT extends EmbeddedServerTest
        implements CrudContract, StoredJsonContract, SearchContract, TransactionContract, ErrorContract, LetterContract,
                CdsHooksContract, CdsTrustContract, CdsEhrContract, HookFixturesContract, WorkflowContract, PasContract,
                AppealContract, SubscriptionContract, CaseKitContract, WriteIntegrityContract, AbuseLimitsContract,
                DevelopmentModeContract, QuestionnairePackageContract, ValidateContract, ServerOutputContract, ChartsContract,
                HistoryContract {}
