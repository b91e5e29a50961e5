package dev.imagesearch.cli;

/** What {@code --format} asks for on stdout: a table for people or JSON for programs (schemas in docs/CLI.md). */
enum OutputFormat { TABLE, JSON }
