"""The kernel the feature packages build on: factory, config, users, regions, mail."""
