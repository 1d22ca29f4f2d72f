/**
 * The {@code interproc} command line: {@link dev.interproc.cli.Main} and its subcommands {@code ls},
 * {@code show}, {@code rm} and {@code demo} (docs/cli.md).
 */
package dev.interproc.cli;
