"""The `pactwatch` command line: thin verbs over `pactwatch.verbs`."""
