package org.overturn.evidence;

/**
 * Where a chart comes from: this server's store today; CDS Hooks prefetch and EHR queries later, behind the same
 * interface.
 */
public interface ChartSource {

    /** The chart of {@code patientId}; a missing patient is an OverturnException NOT_FOUND. */
    Chart read(String patientId);
}
