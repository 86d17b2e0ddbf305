/**
 * The files the library keeps secrets or records in: who may replace or read them ({@code PathTrust} refuses a path
 * another local user could replace, as OpenSSH's StrictModes does; {@code FileModes} creates files 0600 and
 * directories 0700), and the warnings about a standing setup, said once per process ({@code StandingWarnings}).
 */
@NullMarked
package dev.astravault.internal.files;

import org.jspecify.annotations.NullMarked;
