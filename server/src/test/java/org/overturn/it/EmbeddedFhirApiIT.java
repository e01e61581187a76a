package org.overturn.it;

import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;

/** The whole FHIR API contract on the embedded PostgreSQL. */
class EmbeddedFhirApiIT extends EmbeddedServerTest
        implements CrudContract, SearchContract, TransactionContract, ErrorContract, LetterContract, CdsHooksContract {
    @Autowired
    DataSource dataSource;

    @Override
    public DataSource dataSource() {
        return dataSource;
    }
}
