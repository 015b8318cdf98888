/**
 * Runs the built app jars as real processes for system tests: {@link dev.strangler.system.support.AppSpec} says what
 * to launch, {@link dev.strangler.system.support.AppProcess} launches it on free ports, waits for readiness, keeps its
 * log under {@code system-tests/target/app-logs/} and stops it.
 */
package dev.strangler.system.support;
