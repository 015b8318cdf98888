package dev.strangler.bench;

/**
 * One measured wrk run against one target, with what the harness observed of the serving process meanwhile:
 * its CPU time per request and its peak resident memory. {@code reloadsApplied} and {@code rewrites} are 0
 * except in the hot-reload case.
 */
record RunSample(WrkResult wrk, double cpuMicrosPerRequest, long peakRssKb, long reloadsApplied, int rewrites) {
}
