package org.overturn.cases;

import org.jspecify.annotations.Nullable;

/**
 * One reason the payer gave for denying an item, as {@link DenialReader} reads it off a ClaimResponse.
 *
 * @param reason the payer's words (adjudication reason text or its process note)
 * @param criterionId the payer policy criterion the denial names, when it names one
 */
public record DenialPoint(int item, @Nullable String carc, @Nullable String carcDisplay, String reason, @Nullable String criterionId) {}
