package org.overturn.store;

/** One entry of a history: the version and the HTTP method that wrote it. */
public record HistoryEntry(StoredResource stored, String method) {}
