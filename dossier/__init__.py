"""Arabic-first publisher for curated dossiers: seeds -> content/ -> site/."""
