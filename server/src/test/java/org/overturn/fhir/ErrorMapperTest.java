package org.overturn.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.TransactionSystemException;

/** A database that goes away mid-request is a 503, however the failure reaches the edge; never a 500. */
class ErrorMapperTest {

    @Test
    void failedRollbackAfterALostConnectionIsA503() {
        // What a write sees when PostgreSQL stops under it: the statement fails, then the rollback on the closed
        // connection fails too, with a SQLException that has no SQLState.
        TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        rollback.initApplicationException(new DataAccessResourceFailureException("I/O error", new SQLException("I/O", "08006")));
        assertThat(ErrorMapper.map(rollback, "r1").status()).isEqualTo(503);
        assertThat(ErrorMapper.map(new TransactionSystemException("Could not commit JDBC transaction",
                new SQLException("Connection is closed")), "r2").status()).isEqualTo(503);
    }

    @Test
    void untranslatedSqlExceptionOfALostConnectionOrAShutdownIsA503() {
        assertThat(ErrorMapper.map(new SQLException("An I/O error occurred", "08006"), "r3").status()).isEqualTo(503);
        assertThat(ErrorMapper.map(new SQLException("terminating connection due to administrator command", "57P01"), "r4")
                .status()).isEqualTo(503);
    }

    @Test
    void sqlExceptionWithoutStateIsAnOrdinary500() {
        ErrorMapper.Mapped mapped = ErrorMapper.map(new RuntimeException(new SQLException("no state")), "r5");
        assertThat(mapped.status()).isEqualTo(500);
        assertThat(mapped.outcome().getIssueFirstRep().getDiagnostics()).contains("r5");
    }
}
