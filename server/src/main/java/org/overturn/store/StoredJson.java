package org.overturn.store;

import java.time.Instant;

/** A current resource version as the store holds it: JSON encoded by HAPI with its id and meta set. */
public record StoredJson(String type, String id, long version, Instant lastUpdated, String content) {}
