/**
 * The {@code interproc} command line: {@link dev.interproc.cli.Main} and its subcommands
 * ({@code demo}, {@code rm}).
 */
package dev.interproc.cli;
