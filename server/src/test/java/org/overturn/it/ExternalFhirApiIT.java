package org.overturn.it;

import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;

/** The same contract on an external PostgreSQL (runs when OVERTURN_TEST_JDBC_URL is set). */
class ExternalFhirApiIT extends ExternalServerTest
        implements CrudContract, SearchContract, TransactionContract, ErrorContract, LetterContract, CdsHooksContract {
    @Autowired
    DataSource dataSource;

    @Override
    public DataSource dataSource() {
        return dataSource;
    }
}
