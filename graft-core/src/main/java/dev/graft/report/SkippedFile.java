package dev.graft.report;

/** A file the data loader left out, and why (for the report's data section). */
public record SkippedFile(String path, String reason) {}
