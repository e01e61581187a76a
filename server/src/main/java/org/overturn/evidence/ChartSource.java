package org.overturn.evidence;

/**
 * Where a chart comes from when the case lives on this server. (A CDS hook call builds its {@link Chart} from the
 * prefetch and the EHR's answers instead.)
 */
public interface ChartSource {

    /** The chart of {@code patientId}; a missing patient is an OverturnException NOT_FOUND. */
    Chart read(String patientId);
}
